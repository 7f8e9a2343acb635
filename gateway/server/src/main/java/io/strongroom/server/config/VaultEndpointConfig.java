package io.strongroom.server.config;

/** One place to send key-vault requests: a base URL (https://host:port) and the region it serves from. */
public record VaultEndpointConfig(String url, String region) {}
