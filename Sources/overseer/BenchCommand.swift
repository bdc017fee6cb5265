// `overseer bench`: prefill and decode speed and peak memory, in the shape llama.cpp's
// llama-bench measures them, so bench/compare.sh can print the two side by side.
//
// pp (prefill): one forward pass over a `--prompt-tokens` prompt on an empty cache, logits of the
//               last position only (what generation needs).
// tg (decode):  `--gen-tokens` single-token forward passes from an empty cache, each token the
//               greedy choice of the previous step (llama-bench's tg also starts on an empty cache).
// Each test runs once untimed (page faults of the mapped weights, thread start-up), then
// `--repetitions` times; we report the median and the spread (min, max, standard deviation).
//
// Roofline: decode reads every weight matrix once per token, so beside tokens/s the report gives
// those bytes, the rate decode reads them at, and the rate the same threads can merely stream
// them at (`streamingRead` over the mapped weights, measured right after decode in the same
// run): the decode rate can approach, not pass, that ceiling unless part stays in cache.
//
// `--versus-kernels PATH` times prefill and decode alternately with the kernel path PATH and the
// current one (`OVERSEER_KERNELS` or the fastest available), repetition by repetition, and
// reports the per-pair speed ratios: the way to compare two paths on a busy machine.

import ArgumentParser
import Foundation
import Kernels
import Models
import Supervisor
import Taps

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure prefill and decode tokens per second and peak memory.")

    @OptionGroup var modelOption: ModelOption
    @Option(name: .customLong("prompt-tokens"), help: "Prompt length for the prefill test.") var promptTokens = 128
    @Option(name: .customLong("gen-tokens"), help: "Tokens generated one at a time in the decode test.") var genTokens = 128
    @OptionGroup var threads: ThreadsOption
    @Option(name: [.customShort("r"), .long], help: "Timed repetitions of each test.") var repetitions = 5
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var supervision: SupervisionOptions
    @OptionGroup var steering: SteeringOptions
    @Option(name: .customLong("versus-kernels"),
            help: "Also time every test with this kernel path, alternating with the current one (\(KernelPath.available.map(\.rawValue).joined(separator: ", ")) on this CPU).")
    var versusKernels: String?

    func validate() throws {
        guard promptTokens >= 1 else { throw ValidationError("--prompt-tokens must be ≥ 1") }
        guard genTokens >= 1 else { throw ValidationError("--gen-tokens must be ≥ 1") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be ≥ 1") }
        try supervision.check()
        try steering.check()
        if !supervision.supervisor.isEmpty && steering.isActive {
            throw ValidationError("bench measures S or steering against plain decode, one at a time")
        }
        if let name = versusKernels {
            guard let path = KernelPath(rawValue: name) else {
                throw ValidationError("--versus-kernels: unknown path '\(name)' (one of \(KernelPath.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard path.isAvailable else { throw ValidationError("--versus-kernels: this CPU cannot run '\(name)'") }
            guard supervision.supervisor.isEmpty, !steering.isActive else {
                throw ValidationError("--versus-kernels cannot be combined with --supervisor or steering")
            }
        }
    }

    func run() throws {
        let lm = try modelOption.load()
        let c = lm.config
        let context = promptTokens + genTokens
        guard context <= c.contextLength else {
            throw ValidationError("--prompt-tokens + --gen-tokens = \(context) exceeds the model's context \(c.contextLength)")
        }
        // Prompts run in batches of at most 64 tokens, as the server runs them (and as llama.cpp
        // runs a prompt in micro-batches): larger batches only grow the activation buffers.
        let session = InferenceSession(model: lm.transformer, contextLength: context,
                                       maxBatch: min(promptTokens, Benchmark.maxBatch), threads: threads.threads)
        let bench = Benchmark(session: session, vocab: c.vocab)
        let prompt = bench.promptTokens(promptTokens)

        // With --supervisor, decode runs twice in the same process — plain, then with S attached
        // (a fresh run per repetition, receipts written when --receipts is given) — interleaved
        // repetition by repetition so both see the same machine load.
        let supervisor = try supervision.makeSupervisor(model: lm)
        // With steering options, decode runs plain and steered (the plan as the session's editor),
        // interleaved the same way.
        let plan = try steering.plan(model: lm)
        var versus: KernelComparison?
        if let name = versusKernels, let baseline = KernelPath(rawValue: name) {
            versus = try KernelComparison.measure(bench, baseline: baseline, repetitions: repetitions,
                                                  prompt: prompt, genTokens: genTokens)
        }
        let prefill = try bench.measure(repetitions: repetitions, tokens: promptTokens) { try bench.prefill(prompt) }
        var decode: Rate
        var supervised: Rate?
        var pairRatios: (wall: Rate, cpu: Rate)?
        if let supervisor {
            let genOptions = GenerationOptions(maxTokens: genTokens)
            let pair = try bench.measurePair(repetitions: repetitions, tokens: genTokens,
                { try bench.decode(count: genTokens, attachment: .none) },
                {
                    let run = supervisor.attach(promptTokens: [Benchmark.firstToken], options: genOptions, session: session)
                    let tokens = try bench.decode(count: genTokens,
                                                  attachment: .init(name: "supervisor", sink: run, gate: run))
                    _ = try run.finish(GenerationResult(promptTokens: [Benchmark.firstToken], tokens: tokens,
                                                        text: "", finishReason: .length))
                })
            decode = pair.a
            supervised = pair.b
            pairRatios = (pair.wallRatios, pair.cpuRatios)
        } else if let plan {
            let pair = try bench.measurePair(repetitions: repetitions, tokens: genTokens,
                {
                    session.editor = nil
                    _ = try bench.decode(count: genTokens, attachment: .none)
                },
                {
                    session.editor = plan
                    defer { session.editor = nil }
                    _ = try bench.decode(count: genTokens, attachment: .none)
                })
            decode = pair.a
            supervised = pair.b
            pairRatios = (pair.wallRatios, pair.cpuRatios)
        } else {
            decode = try bench.measure(repetitions: repetitions, tokens: genTokens) {
                _ = try bench.decode(count: genTokens, attachment: .none)
            }
        }

        if ThreadPoolStats.enabled {   // where a decode token's time goes (standard error)
            session.pool.resetStats()
            let wall = try bench.seconds { _ = try bench.decode(count: genTokens, attachment: .none) }
            poolReport(session.pool.stats, wall: wall, tokens: genTokens, label: "decode")
            session.pool.resetStats()
            let prefillWall = try bench.seconds { try bench.prefill(prompt) }
            poolReport(session.pool.stats, wall: prefillWall, tokens: 1, label: "prefill")
        }

        // Peak memory before the streaming probe (which reads the mapped weights decode already
        // touched, so it should not move it anyway).
        let peakRSS = peakResidentBytes()
        let roofline = Roofline.measure(lm.transformer.weights.matricesReadPerToken, pool: session.pool,
                                        decodeTokensPerSecond: decode.median)
        let report = Report(model: lm.url.path, threads: threads.threads, promptTokens: promptTokens,
                            genTokens: genTokens, repetitions: repetitions, prefill: prefill, decode: decode,
                            peakRSSBytes: peakRSS, supervisor: supervision.supervisor.first,
                            supervisedDecode: supervised, pairedWallRatio: pairRatios?.wall,
                            pairedCPURatio: pairRatios?.cpu, roofline: roofline, versusKernels: versus,
                            build: BuildInfo.current, steering: plan.map { SteeringOptions.describe($0.spec) })
        if json { return try printJSON(report) }
        print("model:    \(report.model)")
        print("build:    \(report.build.summary), threads \(report.threads)")
        print(String(format: "prefill:  %8.2f tokens/s  (pp%d, median of %d; min %.2f, max %.2f, sd %.2f)",
                     prefill.median, promptTokens, repetitions, prefill.min, prefill.max, prefill.standardDeviation))
        print(String(format: "decode:   %8.2f tokens/s  (tg%d, median of %d; min %.2f, max %.2f, sd %.2f)",
                     decode.median, genTokens, repetitions, decode.min, decode.max, decode.standardDeviation))
        let with = plan == nil ? "S" : "steering"
        if let s = supervised {
            print(String(format: "decode+%@: %8.2f tokens/s  (median of %d; min %.2f, max %.2f)  ratio with/without %@ %.4f",
                         plan == nil ? "S" : "steer", s.median, repetitions, s.min, s.max, with, s.median / decode.median))
        }
        if let w = report.pairedWallRatio, let c = report.pairedCPURatio {
            print(String(format: "          paired ratios with/without %@ (median of %d pairs): wall clock %.4f [%.4f, %.4f], CPU time %.4f [%.4f, %.4f]",
                         with, repetitions, w.median, w.min, w.max, c.median, c.min, c.max))
        }
        print(String(format: "peak RSS: %8.1f MiB", Double(report.peakRSSBytes) / 1_048_576))
        print(String(format: "roofline: %.1f MB of weights per token; decode reads them at %.2f GB/s, a streaming read of the same bytes (%d threads, best of 5) reaches %.2f GB/s: ceiling %.1f tokens/s, decode at %.1f%% of it",
                     Double(roofline.bytesPerToken) / 1e6, roofline.decodeBytesPerSecond / 1e9, threads.threads,
                     roofline.streamBytesPerSecond / 1e9, roofline.ceilingTokensPerSecond, 100 * roofline.fraction))
        if let v = versus {
            print(String(format: "kernels:  %@ vs %@ (alternating, median of %d pairs): prefill ×%.3f [%.3f, %.3f], decode ×%.3f [%.3f, %.3f] (wall clock); CPU time: prefill ×%.3f, decode ×%.3f",
                         v.current, v.baseline, repetitions, v.prefillWall.median, v.prefillWall.min, v.prefillWall.max,
                         v.decodeWall.median, v.decodeWall.min, v.decodeWall.max, v.prefillCPU.median, v.decodeCPU.median))
        }
    }

    /// One line on standard error: per token (or per prefill), loops, chunks, and the wall time
    /// split into time inside loops (of which the caller waited idle) and time between them.
    func poolReport(_ s: ThreadPoolStats, wall: Double, tokens: Int, label: String) {
        let n = Double(max(1, tokens))
        let line = String(format: "pool %@: per %@ %.2f ms wall: %.1f loops, %.1f chunks (caller %.1f, workers %.1f), in loops %.3f ms (caller idle-waiting %.3f ms), between loops %.3f ms; workers joined %.1f loops, %.2f µs late on average\n",
                          label, tokens == 1 ? "run" : "token", wall * 1e3 / n, Double(s.loops) / n, Double(s.chunks) / n,
                          Double(s.callerChunks) / n, Double(s.workerChunks) / n, s.loopSeconds * 1e3 / n,
                          s.waitSeconds * 1e3 / n, (wall - s.loopSeconds) * 1e3 / n, Double(s.workerJoins) / n,
                          s.workerLateSeconds * 1e6 / Double(max(1, s.workerJoins)))
        FileHandle.standardError.write(Data(line.utf8))
    }

    struct Report: Encodable {
        var model: String
        var threads: Int
        var promptTokens: Int
        var genTokens: Int
        var repetitions: Int
        var prefill: Rate
        var decode: Rate
        var peakRSSBytes: Int
        var supervisor: String?
        var supervisedDecode: Rate?
        /// Per repetition pair: supervised / plain decode speed, by wall clock and by CPU time.
        var pairedWallRatio: Rate?
        var pairedCPURatio: Rate?
        var roofline: Roofline
        var versusKernels: KernelComparison?
        var build: BuildInfo
        /// With steering options: the plan; `supervisedDecode` and the ratios then compare
        /// steered with plain decode.
        var steering: String?

        enum CodingKeys: String, CodingKey {
            case model, threads, repetitions, prefill, decode, supervisor, build, steering
            case promptTokens = "prompt_tokens", genTokens = "gen_tokens"
            case prefillMedian = "prefill_tokens_per_s", decodeMedian = "decode_tokens_per_s"
            case peakRSSBytes = "peak_rss_bytes"
            case supervisedDecode = "supervised_decode", supervisedMedian = "supervised_decode_tokens_per_s"
            case supervisedRatio = "supervised_decode_ratio"
            case pairedWallRatio = "paired_wall_ratio", pairedCPURatio = "paired_cpu_ratio"
            case roofline, versusKernels = "versus_kernels"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(threads, forKey: .threads)
            try c.encode(promptTokens, forKey: .promptTokens)
            try c.encode(genTokens, forKey: .genTokens)
            try c.encode(repetitions, forKey: .repetitions)
            try c.encode(prefill.median, forKey: .prefillMedian)
            try c.encode(decode.median, forKey: .decodeMedian)
            try c.encode(prefill, forKey: .prefill)
            try c.encode(decode, forKey: .decode)
            try c.encode(peakRSSBytes, forKey: .peakRSSBytes)
            try c.encode(supervisor, forKey: .supervisor)
            if let s = supervisedDecode {
                try c.encode(s, forKey: .supervisedDecode)
                try c.encode(s.median, forKey: .supervisedMedian)
                try c.encode(s.median / decode.median, forKey: .supervisedRatio)
            }
            try c.encodeIfPresent(pairedWallRatio, forKey: .pairedWallRatio)
            try c.encodeIfPresent(pairedCPURatio, forKey: .pairedCPURatio)
            try c.encode(roofline, forKey: .roofline)
            try c.encodeIfPresent(versusKernels, forKey: .versusKernels)
            try c.encode(build, forKey: .build)
            try c.encodeIfPresent(steering, forKey: .steering)
        }
    }
}

/// Tokens per second over repetitions.
struct Rate: Encodable {
    var samples: [Double]
    var median: Double
    var min: Double
    var max: Double
    var mean: Double
    var standardDeviation: Double

    init(_ samples: [Double]) {
        self.samples = samples
        let s = samples.sorted()
        median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        min = s.first ?? 0
        max = s.last ?? 0
        mean = s.reduce(0, +) / Double(Swift.max(1, s.count))
        let m = mean
        standardDeviation = s.count > 1 ? (s.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(s.count - 1)).squareRoot() : 0
    }

    enum CodingKeys: String, CodingKey {
        case samples, median, min, max, mean
        case standardDeviation = "stddev"
    }
}

/// How the binary was built, so numbers are never compared across builds by accident.
struct BuildInfo: Encodable {
    var configuration: String
    var cpuTarget: String
    /// The integer kernel path in use (`KernelPath.current`).
    var kernels: String
    var arch: String
    var swiftVersion: String

    var summary: String { "\(configuration), \(cpuTarget), kernels \(kernels), \(arch), Swift \(swiftVersion)" }

    static var current: BuildInfo {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "other"
        #endif
        #if compiler(>=6.3)
        let swift = "6.3+"
        #elseif compiler(>=6.0)
        let swift = "6.x"
        #else
        let swift = "<6"
        #endif
        return BuildInfo(configuration: configuration, cpuTarget: KernelBuild.cpuTarget, kernels: KernelPath.current.rawValue,
                         arch: arch, swiftVersion: swift)
    }

    enum CodingKeys: String, CodingKey {
        case configuration, arch, kernels
        case cpuTarget = "cpu_target", swiftVersion = "swift"
    }
}

/// The timed loops, separate from argument parsing.
struct Benchmark {
    /// What runs alongside the model during decode: nothing, or a supervisor's tap sink and gate.
    struct Attachment {
        var name: String?
        var sink: TapSink?
        var gate: TokenGate?
        static var none: Attachment { Attachment(name: nil, sink: nil, gate: nil) }
    }

    let session: InferenceSession
    let vocab: Int

    /// A fixed pseudo-random prompt (speed does not depend on which tokens they are).
    func promptTokens(_ count: Int) -> [Int] {
        var rng = SplitMix64(seed: 42)
        return (0..<count).map { _ in rng.nextInt(below: vocab) }
    }

    /// One prefill of `prompt` on an empty cache.
    func prefill(_ prompt: [Int]) throws {
        session.rewind(to: 0)
        _ = try session.forwardLast(prompt)
    }

    /// Tokens per forward pass of a prompt (see `run`).
    static let maxBatch = 64

    /// The one-token "prompt" decode starts from.
    static let firstToken = 1

    /// `count` greedy single-token steps on an empty cache; returns the generated tokens. With a
    /// gate, the first step is admitted as the prompt and each later one as a generated token,
    /// as in generation.
    @discardableResult
    func decode(count: Int, attachment: Attachment) throws -> [Int] {
        session.rewind(to: 0)
        var token = Benchmark.firstToken
        var generated: [Int] = []
        for i in 0..<count {
            let logits = try session.step(token, sink: attachment.sink)
            if let gate = attachment.gate {
                let admitted = try gate.admit(token: i == 0 ? nil : token, position: session.position - 1,
                                              generatedIndex: i == 0 ? nil : i - 1)
                if !admitted { break }
            }
            if i > 0 { generated.append(token) }
            token = Sampler.argmax(logits)
        }
        return generated
    }

    /// `a` and `b` timed alternately, each once untimed and then `repetitions` times: wall-clock
    /// rates, and per pair the ratio b/a of wall-clock rates and of CPU-time rates (the process's
    /// user + system time, which a busy neighbour on a shared machine disturbs far less).
    struct Pair {
        var a: Rate
        var b: Rate
        var wallRatios: Rate
        var cpuRatios: Rate
    }

    func measurePair(repetitions: Int, tokens: Int, _ a: () throws -> Void, _ b: () throws -> Void) throws -> Pair {
        try a()
        try b()
        var ra: [Double] = [], rb: [Double] = [], wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<repetitions {
            let c0 = processCPUSeconds()
            let sa = try seconds(a)
            let c1 = processCPUSeconds()
            let sb = try seconds(b)
            let c2 = processCPUSeconds()
            ra.append(Double(tokens) / sa)
            rb.append(Double(tokens) / sb)
            wall.append(sa / sb)
            cpu.append((c1 - c0) / max(c2 - c1, 1e-9))
        }
        return Pair(a: Rate(ra), b: Rate(rb), wallRatios: Rate(wall), cpuRatios: Rate(cpu))
    }

    func seconds(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }

    /// Runs `body` once untimed, then `repetitions` times; returns tokens per second.
    func measure(repetitions: Int, tokens: Int, _ body: () throws -> Void) throws -> Rate {
        try body()
        var rates: [Double] = []
        for _ in 0..<repetitions { rates.append(Double(tokens) / (try seconds(body))) }
        return Rate(rates)
    }
}

/// Decode against the rate its bytes can be streamed at (see the file's header).
struct Roofline: Encodable {
    /// Bytes of the matrices one decode step reads.
    var bytesPerToken: Int
    /// bytesPerToken × decode tokens/s.
    var decodeBytesPerSecond: Double
    /// Best streaming read of those same bytes by the same threads.
    var streamBytesPerSecond: Double
    /// streamBytesPerSecond / bytesPerToken: decode's ceiling.
    var ceilingTokensPerSecond: Double
    /// decode tokens/s / ceiling.
    var fraction: Double

    static func measure(_ matrices: [TensorView], pool: ThreadPool, decodeTokensPerSecond: Double) -> Roofline {
        let bytes = matrices.reduce(0) { $0 + $1.byteCount }
        let stream = streamingRead(matrices.map { ($0.data, $0.byteCount) }, pool: pool)
        let ceiling = stream / Double(max(1, bytes))
        return Roofline(bytesPerToken: bytes, decodeBytesPerSecond: Double(bytes) * decodeTokensPerSecond,
                        streamBytesPerSecond: stream, ceilingTokensPerSecond: ceiling,
                        fraction: ceiling > 0 ? decodeTokensPerSecond / ceiling : 0)
    }

    enum CodingKeys: String, CodingKey {
        case bytesPerToken = "weight_bytes_per_token", decodeBytesPerSecond = "decode_bytes_per_s"
        case streamBytesPerSecond = "stream_bytes_per_s", ceilingTokensPerSecond = "ceiling_tokens_per_s"
        case fraction = "fraction_of_ceiling"
    }
}

/// Prefill and decode timed alternately with two kernel paths (`--versus-kernels`).
struct KernelComparison: Encodable {
    var baseline: String
    var current: String
    /// Per repetition pair: current / baseline speed, by wall clock and by CPU time.
    var prefillWall: Rate
    var prefillCPU: Rate
    var decodeWall: Rate
    var decodeCPU: Rate

    static func measure(_ bench: Benchmark, baseline: KernelPath, repetitions: Int, prompt: [Int],
                        genTokens: Int) throws -> KernelComparison {
        let current = KernelPath.current
        defer { KernelPath.current = current }
        func with(_ path: KernelPath, _ body: () throws -> Void) rethrows {
            KernelPath.current = path
            try body()
        }
        let prefill = try bench.measurePair(repetitions: repetitions, tokens: prompt.count,
                                            { try with(baseline) { try bench.prefill(prompt) } },
                                            { try with(current) { try bench.prefill(prompt) } })
        let decode = try bench.measurePair(repetitions: repetitions, tokens: genTokens,
                                           { try with(baseline) { _ = try bench.decode(count: genTokens, attachment: .none) } },
                                           { try with(current) { _ = try bench.decode(count: genTokens, attachment: .none) } })
        return KernelComparison(baseline: baseline.rawValue, current: current.rawValue,
                                prefillWall: prefill.wallRatios, prefillCPU: prefill.cpuRatios,
                                decodeWall: decode.wallRatios, decodeCPU: decode.cpuRatios)
    }

    enum CodingKeys: String, CodingKey {
        case baseline, current
        case prefillWall = "prefill_wall_ratio", prefillCPU = "prefill_cpu_ratio"
        case decodeWall = "decode_wall_ratio", decodeCPU = "decode_cpu_ratio"
    }
}

/// User + system CPU time of the whole process so far, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// The process's peak resident set (VmHWM in /proc/self/status), in bytes; 0 when unavailable.
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
    }
    return 0
}
