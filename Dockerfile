# One image per service, built by compose (docker compose build) from the service's jar:
#   docker build --build-arg SERVICE=api-service -t wallet-pipeline/api-service .
# It runs as a user without privileges and reports healthy when the service's actuator health
# (on MANAGEMENT_PORT when set, else SERVICE_PORT) answers 200, which it does only when UP. Build the jars first:
#   ./mvnw -DskipTests package
FROM eclipse-temurin:17-jre
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=<module> is required" >&2; exit 1; } \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin wallet
COPY ${SERVICE}/target/${SERVICE}-0.1.0-SNAPSHOT-exec.jar /app/app.jar
USER wallet
ENV JAVA_OPTS="-Xmx256m"
ENV SERVICE_PORT=8080
ENTRYPOINT ["/bin/bash", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "--"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=5 CMD \
  bash -c 'exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_PORT:-$SERVICE_PORT} \
    && printf "GET /actuator/health HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
