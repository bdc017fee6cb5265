import Formats
import XCTest
import Kernels
@testable import SAE

final class AnalysisTests: XCTestCase {
    /// 100 tokens in three sequences starting at 0, 40 and 70; feature 2 of 5 planted at a few tokens.
    func planted() -> (codes: SparseCodes, tokens: [String]) {
        let activations: [Int: Float] = [45: 5, 41: 3, 10: 4, 69: 4, 12: 1, 80: 0.7]
        var codes = SparseCodes(latents: 5)
        for t in 0..<100 {
            var code = SparseCode(indices: [0], values: [0.5])          // feature 0 always on
            if let a = activations[t] { code.indices.append(2); code.values.append(a) }
            try! codes.append(code)
        }
        return (codes, (0..<100).map { "t\($0)" })
    }

    func testTopContexts() throws {
        let (codes, tokens) = planted()
        let contexts = try FeatureAnalysis.topContexts(feature: 2, codes: codes, tokens: tokens, sequenceStarts: [0, 40, 70],
                                                       count: 4, before: 3, after: 2)
        // 5 first, then the tie 4 / 4 goes to the lower index (10 before 69), then 3.
        XCTAssertEqual(contexts.map(\.tokenIndex), [45, 10, 69, 41])
        XCTAssertEqual(contexts[0].range, 42..<48)
        XCTAssertEqual(contexts[0].tokens, ["t42", "t43", "t44", "t45", "t46", "t47"])
        XCTAssertEqual(contexts[0].markedOffset, 3)
        XCTAssertEqual(contexts[0].activations, [0, 0, 0, 5, 0, 0])
        // Windows stop at sequence boundaries: 69 is the last token of its sequence, 41 the second.
        XCTAssertEqual(contexts[2].range, 66..<70)
        XCTAssertEqual(contexts[3].range, 40..<44)
        XCTAssertEqual(contexts[3].activations, [0, 3, 0, 0])
        // One per sequence: 45 (sequence 1, which also holds 69 and 41), 10 (sequence 0), 80 (sequence 2).
        let distinct = try FeatureAnalysis.topContexts(feature: 2, codes: codes, tokens: tokens, sequenceStarts: [0, 40, 70],
                                                       count: 10, onePerSequence: true)
        XCTAssertEqual(distinct.map(\.tokenIndex), [45, 10, 80])
        // The dense-column form agrees.
        let dense = try FeatureAnalysis.topContexts(feature: 2, activations: codes.column(2), tokens: tokens,
                                                    sequenceStarts: [0, 40, 70], count: 4, before: 3, after: 2)
        XCTAssertEqual(dense, contexts)
        XCTAssertThrowsError(try FeatureAnalysis.topContexts(feature: 2, codes: codes, tokens: tokens, sequenceStarts: [1, 40]))
        XCTAssertThrowsError(try FeatureAnalysis.topContexts(feature: 9, codes: codes, tokens: tokens))
        XCTAssertThrowsError(try FeatureAnalysis.topContexts(feature: 2, codes: codes, tokens: Array(tokens.prefix(9))))
    }

    func testAUROCCountsTiesExactly() {
        // a = [0, 0, 1, 2], b = [0, 1, 1]: pairs won = 0.5 + 0.5 + (1 + 0.5 + 0.5) + 3 = 6 of 12
        XCTAssertEqual(FeatureAnalysis.auroc([1, 2], zerosA: 2, [1, 1], zerosB: 1), 0.5)
        XCTAssertEqual(FeatureAnalysis.auroc([3], zerosA: 0, [1], zerosB: 3), 1)
        XCTAssertEqual(FeatureAnalysis.auroc([], zerosA: 4, [2], zerosB: 0), 0)
        // Against brute force, with negatives, zeros and ties.
        var g = NormalSampler(seed: 1)
        for _ in 0..<50 {
            let a = (0..<Int(g.rng.next() % 30)).map { _ in (g.next() * 2).rounded() }
            let b = (0..<(1 + Int(g.rng.next() % 30))).map { _ in (g.next() * 2).rounded() + 0.5 * (g.next() > 0 ? 1 : 0) }
            let za = Int(g.rng.next() % 5), zb = Int(g.rng.next() % 5)
            let fullA = a + [Float](repeating: 0, count: za), fullB = b + [Float](repeating: 0, count: zb)
            guard !fullA.isEmpty else { continue }
            var won = 0.0
            for x in fullA { for y in fullB { won += x > y ? 1 : (x == y ? 0.5 : 0) } }
            XCTAssertEqual(FeatureAnalysis.auroc(a, zerosA: za, b, zerosB: zb), won / Double(fullA.count * fullB.count), accuracy: 1e-12)
        }
    }

    /// Feature 17 fires on 60% of set A and 5% of set B; feature 4 the other way; the rest alike.
    func testContrastRanksPlantedFeatureFirst() throws {
        var g = NormalSampler(seed: 9)
        func codes(rows: Int, planted: [(Int, Double, Float)]) -> SparseCodes {
            var c = SparseCodes(latents: 40)
            for _ in 0..<rows {
                var active: [Int: Float] = [:]
                for f in 0..<40 where g.uniform() < 0.1 { active[f] = 1 + abs(g.next()) }
                for (f, p, v) in planted { if g.uniform() < Float(p) { active[f] = v + 0.2 * abs(g.next()) } else { active[f] = nil } }
                let idx = active.keys.sorted()
                try! c.append(SparseCode(indices: idx, values: idx.map { active[$0]! }))
            }
            return c
        }
        let a = codes(rows: 500, planted: [(17, 0.6, 2), (4, 0.05, 1)])
        let b = codes(rows: 400, planted: [(17, 0.05, 1), (4, 0.6, 2)])
        for ranking in [ContrastRanking.auroc, .standardizedDifference, .firingRate] {
            let up = try FeatureAnalysis.contrast(a, b, rankBy: ranking, direction: .higherInA, top: 5)
            XCTAssertEqual(up.first?.feature, 17, "\(ranking)")
            XCTAssertEqual(up.count, 5)
            let down = try FeatureAnalysis.contrast(a, b, rankBy: ranking, direction: .higherInB)
            XCTAssertEqual(down.first?.feature, 4, "\(ranking)")
            XCTAssertEqual(down.count, 40)
            let either = try FeatureAnalysis.contrast(a, b, rankBy: ranking, direction: .either, top: 2)
            XCTAssertEqual(Set(either.map(\.feature)), [17, 4], "\(ranking)")
        }
        let top = try FeatureAnalysis.contrast(a, b)[0]
        XCTAssertGreaterThan(top.auroc, 0.75)
        XCTAssertGreaterThan(top.firingRateA, 0.5)
        XCTAssertLessThan(top.firingRateB, 0.1)
        XCTAssertGreaterThan(top.standardizedDifference, 1)
        XCTAssertThrowsError(try FeatureAnalysis.contrast(a, SparseCodes(latents: 3)))
    }

    /// With both labels, features are ranked by how well they pick out label 1; with one label,
    /// by peak activation, ties to the lower index.
    func testChooseRanksByAUROCOrByPeak() throws {
        var codes = SparseCodes(latents: 4)
        // Feature 3 fires on the label-1 rows only; feature 1 fires strongly everywhere.
        let rows: [(Int, SparseCode)] = [
            (1, SparseCode(indices: [1, 3], values: [9, 1])), (1, SparseCode(indices: [1, 3], values: [9, 2])),
            (0, SparseCode(indices: [1], values: [9])), (0, SparseCode(indices: [0, 1], values: [1, 9])),
        ]
        for (_, c) in rows { try codes.append(c) }
        let labeled = try FeatureAnalysis.choose(codes: codes, labels: rows.map(\.0), count: 2)
        XCTAssertEqual(labeled.features.first, 3)
        XCTAssertEqual(labeled.contrasts.first?.auroc, 1)
        XCTAssertTrue(labeled.how.contains("AUROC"))
        let unlabeled = try FeatureAnalysis.choose(codes: codes, labels: [0, 0, 0, 0], count: 3)
        XCTAssertEqual(unlabeled.features, [1, 3, 0])
        XCTAssertTrue(unlabeled.contrasts.isEmpty)
    }

    func testHTMLReportEscapesAndHighlights() throws {
        let tokens = ["Hello", " <script>alert('x')</script>", " &", "\n", " \"quoted\""]
        let context = FeatureContext(feature: 3, tokenIndex: 11, activation: 2, range: 10..<15, tokens: tokens,
                                     activations: [0, 2, 0.5, 0, 1])
        let page = FeatureReport(feature: 3, title: "Feature <3>", description: "a <b>bold</b> claim", frequency: 0.0123,
                                 contexts: [context]).html()
        XCTAssertFalse(page.contains("<script>"))
        XCTAssertFalse(page.contains("<b>"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        XCTAssertTrue(page.contains("<title>Feature &lt;3&gt;</title>"))
        XCTAssertTrue(page.contains(" &amp;</span>"))
        XCTAssertTrue(page.contains("&quot;quoted&quot;"))
        XCTAssertTrue(page.contains("↵"))
        // The marked token is highlighted and fully shaded; others by their activation; zero is clear.
        XCTAssertTrue(page.contains("<span class=\"tok max\" style=\"background: rgba(255, 140, 0, 1.000)\" title=\"token 11: 2\"> &lt;script&gt;"))
        XCTAssertTrue(page.contains("rgba(255, 140, 0, 0.250)"))
        XCTAssertTrue(page.contains("rgba(255, 140, 0, 0)\" title=\"token 10: 0\">Hello</span>"))
        XCTAssertEqual(page.components(separatedBy: "class=\"tok max\"").count - 1, 1)
        XCTAssertTrue(page.contains("fires on 1.23% of tokens"))
        XCTAssertEqual(htmlEscape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}
