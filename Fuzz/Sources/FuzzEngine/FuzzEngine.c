// The declaration in include/FuzzEngine.h is the whole module; libFuzzer defines the function.
#include "FuzzEngine.h"
