#!/bin/bash
# Runs a Kafka class on the jars of /opt/kafka/libs, as the official image's script of this name
# does. The broker logs at INFO, the command-line tools only warnings.
level=warn
[[ "$1" == kafka.Kafka ]] && level=info
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} ${KAFKA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=$level \
  -cp "/opt/kafka/libs/*" "$@"
