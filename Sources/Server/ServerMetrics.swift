// Metrics for `GET /metrics` (Prometheus text format), recorded through swift-metrics into a
// registry this server owns: two servers in one process (tests) keep separate counts, and
// nothing depends on the process-wide MetricsSystem having been bootstrapped.
//
//   overseer_requests_total{endpoint, status}          requests answered, by HTTP status
//   overseer_prompt_tokens_total, overseer_generated_tokens_total
//   overseer_halts_total                               runs S halted
//   overseer_cancelled_total                           runs stopped because the client left (or shutdown)
//   overseer_queue_depth, overseer_active_generations  read when scraped
//   overseer_request_duration_seconds{endpoint}        from arrival to the last byte's hand-off
//   overseer_time_to_first_token_seconds               from arrival to the first released text
//   overseer_inter_token_seconds                       between released pieces of text

import Foundation
import CoreMetrics
import Metrics
import Prometheus

final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let promptTokens: CoreMetrics.Counter
    let generatedTokens: CoreMetrics.Counter
    let halts: CoreMetrics.Counter
    let cancelled: CoreMetrics.Counter
    let queueDepth: CoreMetrics.Gauge
    let active: CoreMetrics.Gauge
    let timeToFirstToken: CoreMetrics.Timer
    let interToken: CoreMetrics.Timer

    init() {
        var f = PrometheusMetricsFactory(registry: registry)
        let fine: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
                                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1)]
        f.durationHistogramBuckets = ["overseer_inter_token_seconds": fine, "overseer_time_to_first_token_seconds": fine + [.seconds(5)]]
        factory = f
        promptTokens = CoreMetrics.Counter(label: "overseer_prompt_tokens_total", factory: f)
        generatedTokens = CoreMetrics.Counter(label: "overseer_generated_tokens_total", factory: f)
        halts = CoreMetrics.Counter(label: "overseer_halts_total", factory: f)
        cancelled = CoreMetrics.Counter(label: "overseer_cancelled_total", factory: f)
        queueDepth = CoreMetrics.Gauge(label: "overseer_queue_depth", factory: f)
        active = CoreMetrics.Gauge(label: "overseer_active_generations", factory: f)
        timeToFirstToken = CoreMetrics.Timer(label: "overseer_time_to_first_token_seconds", factory: f)
        interToken = CoreMetrics.Timer(label: "overseer_inter_token_seconds", factory: f)
    }

    func request(endpoint: String, status: Int) {
        CoreMetrics.Counter(label: "overseer_requests_total", dimensions: [("endpoint", endpoint), ("status", String(status))], factory: factory)
            .increment()
    }

    func duration(endpoint: String, since start: UInt64) {
        CoreMetrics.Timer(label: "overseer_request_duration_seconds", dimensions: [("endpoint", endpoint)], factory: factory)
            .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds &- start))
    }

    func finished(_ o: JobOutcome) {
        promptTokens.increment(by: o.promptTokens)
        generatedTokens.increment(by: o.completionTokens)
        if o.finishReason == "content_filter" { halts.increment() }
        if o.finishReason == "cancelled" { cancelled.increment() }
    }

    /// The Prometheus text, with the engine's gauges read now.
    func render(queueDepth depth: Int, active running: Int) -> String {
        queueDepth.record(depth)
        active.record(running)
        return registry.emitToString()
    }
}
