import ArgumentParser
import Foundation
import Models

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Fetch and list known models.",
        subcommands: [Fetch.self, List.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a known model into the cache and print its path.")
        @Argument(help: "Model name (see `overseer models list`).") var name: String

        func run() throws {
            let url = try ModelStore.fetch(name, log: { log($0) })
            print(url.path)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List known models and whether they are cached.")
        func run() throws {
            for m in ModelStore.known {
                let path = ModelStore.path(of: m)
                let cached = FileManager.default.fileExists(atPath: path.path)
                print("\(m.name)\t\(m.summary)\t\(cached ? path.path : "not fetched")")
            }
        }
    }
}
