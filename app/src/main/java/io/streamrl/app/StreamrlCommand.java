package io.streamrl.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "streamrl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Online reinforcement learning on Apache Kafka.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            LearnerCommand.class,
            ActorCommand.class,
            ServeCommand.class,
            JoinCommand.class,
            ControlCommand.class,
            ReplayCommand.class,
            ExportCommand.class,
            EvaluateCommand.class,
            BrokerCommand.class,
            SchemasCommand.class,
            BenchCommand.class,
            LoadgenCommand.class,
            CommandLine.HelpCommand.class,
        })
final class StreamrlCommand {
}
