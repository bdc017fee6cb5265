import FuzzSupport

runFuzzer(fuzzLabeledData)
