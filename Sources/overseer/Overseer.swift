import ArgumentParser

@main
struct Overseer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overseer",
        abstract: "Run a language model under a read-only supervisor that can stop it.",
        subcommands: [ModelsCommand.self, InspectCommand.self, GenerateCommand.self, ScoreCommand.self, RiskCommand.self,
                      DataCommand.self, CollectCommand.self, TrainCommand.self, EvalCommand.self, BundlesCommand.self, ReceiptsCommand.self,
                      SAECommand.self, CompareProbesCommand.self, SteerCommand.self,
                      BenchCommand.self, VerifyCommand.self, CheckpointCommand.self, RegionsCommand.self, TokenizeCommand.self,
                      ServeCommand.self, TeachCommand.self, FinetuneCommand.self, ConceptCommand.self, ReceiptsBenchCommand.self])

    static func main() async {
        await main(SteeringOptions.splittingTwoValueFlags(Array(CommandLine.arguments.dropFirst())))
    }
}
