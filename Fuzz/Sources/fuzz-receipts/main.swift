import FuzzSupport

runFuzzer(fuzzReceipts)
