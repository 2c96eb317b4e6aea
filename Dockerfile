# Builds the snapbank launcher jar and runs it; every compose service uses this image.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/cli/target/snapbank.jar /app/snapbank.jar
ENTRYPOINT ["java", "-jar", "/app/snapbank.jar"]
CMD ["--help"]
