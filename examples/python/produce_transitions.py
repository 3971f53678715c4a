#!/usr/bin/env python3
"""Write Pendulum-v1 transitions to <namespace>.transitions, as a streamrl learner reads them.

Needs Python 3 with Debian's python3-avro (1.11) and python3-confluent-kafka only:

    sudo apt-get install python3-avro python3-confluent-kafka
    /usr/bin/python3 examples/python/produce_transitions.py --bootstrap-server 127.0.0.1:9092 --count 1000

The topic must exist: start the learner (or any streamrl service of the namespace) first, it
creates the topics. Prints one line, `wrote N transitions to TOPIC (fingerprint 0x..., header ...)`,
and exits 0; 1 when some records were not acknowledged; 2 for a bad argument or a missing topic;
69 when Kafka does not answer within 15 s (the exit codes of the streamrl command).

Every value is an Avro single-object encoding: the marker C3 01, the 8-byte CRC-64-AVRO
fingerprint of the writer schema's canonical form (little-endian), then the Avro binary body
(python3-avro's DatumWriter). python3-avro has no fingerprint function, so fingerprint() below
is the specification's CRC-64-AVRO over python3-avro's Schema.canonical_form. That text keeps
event_time's timestamp-millis as {"type":"long"} where the specification reduces it to "long",
so the fingerprint differs from the one Java writes; streamrl accepts it as an alias of the
same schema version (`streamrl schemas` lists both). --header writes a given header instead,
e.g. the standard one from `streamrl schemas --record Transition`.
"""

import argparse
import datetime
import io
import math
import os
import random
import sys

import avro.io
import avro.schema
from confluent_kafka import KafkaException, Producer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "..", "schemas", "src", "main", "avro", "Transition.avsc")

# CRC-64-AVRO, as the Avro specification defines it ("Schema Fingerprints").
CRC64_EMPTY = 0xC15D213AA4D7A795


def _crc64_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (CRC64_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_CRC64_TABLE = _crc64_table()


def fingerprint(text):
    """CRC-64-AVRO of a schema's canonical form (a str), as a non-negative int."""
    fp = CRC64_EMPTY
    for byte in text.encode("utf-8"):
        fp = (fp >> 8) ^ _CRC64_TABLE[(fp ^ byte) & 0xFF]
    return fp


def single_object_header(schema):
    """The 10 bytes before every body: marker C3 01, then the fingerprint little-endian."""
    return b"\xc3\x01" + fingerprint(schema.canonical_form).to_bytes(8, "little")


class Pendulum:
    """Gymnasium's Pendulum-v1 (g = 10), 200 steps an episode, acted on at random."""

    MAX_SPEED, MAX_TORQUE, DT, G = 8.0, 2.0, 0.05, 10.0
    STEPS = 200

    def __init__(self, rng):
        self.rng = rng
        self.reset()

    def reset(self):
        self.theta = self.rng.uniform(-math.pi, math.pi)
        self.speed = self.rng.uniform(-1.0, 1.0)
        self.t = 0

    def observation(self):
        return [math.cos(self.theta), math.sin(self.theta), self.speed]

    def step(self, torque):
        angle = ((self.theta + math.pi) % (2 * math.pi)) - math.pi
        cost = angle ** 2 + 0.1 * self.speed ** 2 + 0.001 * torque ** 2
        speed = self.speed + (3 * self.G / 2 * math.sin(self.theta) + 3.0 * torque) * self.DT
        self.speed = max(-self.MAX_SPEED, min(self.MAX_SPEED, speed))
        self.theta += self.speed * self.DT
        self.t += 1
        return -cost, self.t >= self.STEPS


def transitions(actor_id, count, rng):
    """`count` Transition records (dicts in the schema's field names) of a random-acting actor."""
    env, episode = Pendulum(rng), 0
    for _ in range(count):
        observation = env.observation()
        torque = rng.uniform(-Pendulum.MAX_TORQUE, Pendulum.MAX_TORQUE)
        reward, truncated = env.step(torque)
        yield {
            "actor_id": actor_id,
            "env_id": "Pendulum-v1",
            "episode": episode,
            "step": env.t,  # counted from 1
            "observation": observation,
            "action": [torque],
            "reward": reward,
            "next_observation": env.observation(),
            "terminated": False,
            "truncated": truncated,
            "policy_version": -1,  # no policy: random actions
            "exploration_noise": [],
            # timestamp-millis: python3-avro wants a timezone-aware datetime, not an int.
            "event_time": datetime.datetime.now(datetime.timezone.utc),
            "decision_id": None,
            "log_density": None,
            "join": None,
        }
        if truncated:
            env.reset()
            episode += 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-server", default="127.0.0.1:9092", help="host:port (default %(default)s)")
    parser.add_argument("--namespace", default="streamrl", help="topic prefix (default %(default)s)")
    parser.add_argument("--count", type=int, default=1000, help="transitions to write (default %(default)s)")
    parser.add_argument("--actor-id", default="python-1", help="actor_id and Kafka key (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default %(default)s)")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA, help="Transition .avsc (default: the repository's)")
    parser.add_argument("--header", help="20 hex digits: write this single-object header instead of computing one")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0, got %d" % args.count)

    with open(args.schema, encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    if args.header is None:
        header = single_object_header(schema)
    else:
        try:
            header = bytes.fromhex(args.header)
        except ValueError:
            header = b""
        if len(header) != 10 or header[:2] != b"\xc3\x01":
            parser.error("--header must be 20 hex digits starting c301, got %r" % args.header)
    writer = avro.io.DatumWriter(schema)
    topic = args.namespace + ".transitions"

    producer = Producer({
        "bootstrap.servers": args.bootstrap_server,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        "message.timeout.ms": 30000,
        # Java's partitioner (murmur2 of the key): a key lands where a Java producer puts it.
        # librdkafka's default (consistent_random, CRC32) would not; that matters for rewards,
        # which must share their decision's partition.
        "partitioner": "murmur2_random",
    })
    try:
        metadata = producer.list_topics(topic, timeout=15)
    except KafkaException as e:
        print("cannot reach Kafka at %s: %s" % (args.bootstrap_server, e), file=sys.stderr)
        return 69
    if metadata.topics[topic].error is not None:
        print("topic %s does not exist (%s): start the learner first, it creates the topics"
              % (topic, metadata.topics[topic].error), file=sys.stderr)
        return 2

    failures = []

    def delivered(error, _message):
        if error is not None:
            failures.append(error)

    for record in transitions(args.actor_id, args.count, random.Random(args.seed)):
        out = io.BytesIO()
        out.write(header)
        writer.write(record, avro.io.BinaryEncoder(out))
        producer.produce(topic, key=args.actor_id.encode("utf-8"), value=out.getvalue(), on_delivery=delivered)
        producer.poll(0)
    left = producer.flush(60)
    if failures or left:
        print("%d of %d transitions were not acknowledged (first error: %s)"
              % (len(failures) + left, args.count, failures[0] if failures else "flush timed out"), file=sys.stderr)
        return 1
    fp = int.from_bytes(header[2:], "little")
    print("wrote %d transitions to %s (fingerprint 0x%016X, header %s)" % (args.count, topic, fp, header.hex()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
