package io.streamrl.app;

import picocli.CommandLine.Command;

@Command(name = "streamrl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Online reinforcement learning on Apache Kafka.",
        subcommands = {
            TrainCommand.class,
            BenchCommand.class,
            BrokerCommand.class,
            ActorCommand.class,
        })
final class StreamrlCommand {
}
