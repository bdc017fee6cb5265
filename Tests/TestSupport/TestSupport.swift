// Helpers shared by the test targets: writers for tiny GGUF and safetensors files.
