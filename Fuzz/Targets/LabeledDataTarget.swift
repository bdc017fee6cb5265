// Labeled data files: the JSON Lines / JSON array / CSV readers. The first input byte chooses
// the reader and whether a label field is read (as `collect` and `eval` call them); the rest is
// the file.

import Foundation
import LabeledData

extension FuzzTargets {
    /// One input of the `fuzz-labeled-data` harness.
    public static func labeledData(_ data: Data) {
        guard let mode = data.first else { return }
        let file = data.dropFirst()
        let csv = mode & 1 == 1
        let labelField: String? = mode & 2 == 0 ? "label" : nil
        if let rows = try? LabeledData.parse(Data(file), name: "fuzz", textField: "text", labelField: labelField, csv: csv) {
            _ = LabeledData.sample(rows, count: 3, seed: UInt64(mode))
            _ = rows.first?.textSHA256
        }
    }
}
