// Tokenizers module: text <-> token ids for locally run language models. Foundation only.
//
// Files:
//   Tokenizer.swift               the `Tokenizer` protocol, token types, special tokens, the shared
//                                 vocabulary and special-token splitting
//   BPETokenizer.swift            byte-level BPE (GGUF model "gpt2")
//   SentencePieceTokenizer.swift  SentencePiece BPE with scores and byte fallback (GGUF model "llama")
//   WordPieceTokenizer.swift      BERT's WordPiece with its normalisation (GGUF model "bert")
//   UnigramTokenizer.swift        SentencePiece unigram with a precompiled character map (GGUF model "t5")
//   PreTokenizer.swift            the gpt2 / llama3 / qwen2 / qwen35 / smollm / legacy / falcon /
//                                 deepseek-llm / deepseek-coder splits as hand-written scanners
//   ByteLevel.swift               GPT-2's byte <-> printable character mapping
//   StreamingDecoder.swift        token-at-a-time decoding that never splits a UTF-8 character
//   TokenizerJSON.swift           Hugging Face tokenizer.json -> BPETokenizer (byte-level) or
//                                 PipelineTokenizer (everything else)
//   PipelineTokenizer.swift       tokenizer.json SentencePiece-style BPE, Unigram and WordPiece:
//                                 normalizer -> pre-tokenizer -> model -> decoder
//   TextPipeline.swift            tokenizer.json normalizers, Metaspace/Split pre-tokenizers, decoders
//   BPEMerges.swift               ranked merges by token-id pair and the merge loop every BPE runs
//   JSONObjectScanner.swift       a JSON object's keys byte-exactly (tokenizer.json model.vocab)
//   TokenizerKind.swift           factory from GGUF-style metadata given as plain values
//   TokenizerError.swift          the module's typed errors
//
// Conformance: Tests/TokenizersTests holds SmolLM2 ids from Hugging Face `tokenizers` and from
// llama.cpp's llama-tokenize, pre-tokenizer splits from Oniguruma (via `tokenizers`) and ids from the
// `sentencepiece` library; Tests/TokenizersTests/Fixtures/make_fixtures.py regenerates them.
// make_tokenizer_json_fixtures.py writes SentencePiece-style BPE, Unigram and WordPiece
// tokenizer.json files (from llama.cpp's Llama and BERT vocabularies) with `tokenizers`' ids and decodes.
// Throughput: bench/tokenizer/tokenizer-bench.sh.
