import FuzzSupport

runFuzzer(fuzzGGUF)
