import Evaluation
import XCTest

final class MetricsTests: XCTestCase {
    // Positives 0.9, 0.8, 0.4; negatives 0.7, 0.4, 0.1. Pairs (p > n): 0.9 beats 3, 0.8 beats 3,
    // 0.4 beats 0.1 and ties 0.4 → (3 + 3 + 1.5) / 9.
    let scores = [0.9, 0.7, 0.8, 0.4, 0.4, 0.1]
    let labels = [1, 0, 1, 1, 0, 0]

    func testAUROCCountsTiesAsHalf() {
        XCTAssertEqual(Metrics.auroc(scores, labels), 7.5 / 9, accuracy: 1e-15)
        XCTAssertEqual(Metrics.auroc([1, 2, 3], [0, 1, 1]), 1)
        XCTAssertEqual(Metrics.auroc([1, 2, 3], [1, 0, 0]), 0)
        XCTAssertTrue(Metrics.auroc([1, 2], [1, 1]).isNaN)
    }

    func testROCPointsByHand() {
        let roc = Metrics.roc(scores, labels)
        let pairs = roc.map { [$0.fpr * 3, $0.tpr * 3] }
        XCTAssertEqual(pairs, [[0, 0], [0, 1], [0, 2], [1, 2], [2, 3], [3, 3]])
        XCTAssertEqual(roc.map(\.threshold).dropFirst(), [0.9, 0.8, 0.7, 0.4, 0.1])
    }

    func testTPRAtFixedFPR() {
        XCTAssertEqual(Metrics.tpr(atFPR: 0, scores, labels), 2.0 / 3)
        XCTAssertEqual(Metrics.tpr(atFPR: 0.34, scores, labels), 2.0 / 3)
        XCTAssertEqual(Metrics.tpr(atFPR: 0.67, scores, labels), 1)
    }

    func testThresholdKeepsTheFalsePositiveBudget() {
        let negatives = (0..<200).map { Double($0) / 100 }     // 0.00 ... 1.99
        // 1% of 200 = 2 allowed: scores ≥ t may include 1.99 and 1.98 but not 1.97.
        let t = Metrics.threshold(forFPR: 0.01, negatives: negatives)
        XCTAssertEqual(negatives.filter { $0 >= t }.count, 2)
        XCTAssertTrue(t > 1.97 && t <= 1.98)
        let zero = Metrics.threshold(forFPR: 0, negatives: negatives)
        XCTAssertEqual(negatives.filter { $0 >= zero }.count, 0)
        XCTAssertEqual(zero, 1.99.nextUp)
        XCTAssertEqual(Metrics.allowedFalsePositives(0.01, of: 600), 6)
    }

    func testRatesAndBootstrapAreDeterministic() {
        let r = Metrics.rates(at: 0.5, scores, labels)
        XCTAssertEqual(r.tpr, 2.0 / 3)
        XCTAssertEqual(r.fpr, 1.0 / 3)
        XCTAssertEqual(r.accuracy, 4.0 / 6)
        var s: [Double] = [], y: [Int] = []
        for i in 0..<200 { s.append(Double(i % 17) + (i % 2 == 0 ? 3 : 0)); y.append(i % 2 == 0 ? 1 : 0) }
        let a = Metrics.evaluate(s, y, threshold: 5, bootstrap: 200, seed: 9)
        let b = Metrics.evaluate(s, y, threshold: 5, bootstrap: 200, seed: 9)
        XCTAssertEqual(a, b)
        let ci = a.aurocCI!
        XCTAssertTrue(ci.low <= a.auroc && a.auroc <= ci.high, "\(ci) should contain \(a.auroc)")
        XCTAssertTrue(ci.high - ci.low > 0.01)
    }

    func testPlotsEscapeTextAndAreDeterministic() {
        let series = [PlotSeries(name: "val <AUROC> & \"more\"", points: [(0, 0.5), (1, 0.9), (2, 0.7)], markers: true)]
        let a = SVGPlot.lineChart(title: "<script>x</script>", xLabel: "layer", yLabel: "AUROC", series: series, x: 0...2, y: 0.5...1)
        let b = SVGPlot.lineChart(title: "<script>x</script>", xLabel: "layer", yLabel: "AUROC", series: series, x: 0...2, y: 0.5...1)
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.hasPrefix("<svg"))
        XCTAssertFalse(a.contains("<script>"))
        XCTAssertTrue(a.contains("&lt;script&gt;"))
        XCTAssertTrue(a.contains("val &lt;AUROC&gt; &amp; &quot;more&quot;"))
        XCTAssertEqual(a.components(separatedBy: "<circle").count - 1, 3)
    }
}
