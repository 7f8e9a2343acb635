package io.strongroom.loadtest;

import io.strongroom.loadtest.cli.CommandLine;

/** --embedded: start the gateway and local-vault in-process, run the test against them, stop. */
final class EmbeddedMode {

  private EmbeddedMode() {
  }

  static int run(CommandLine.Command command) {
    System.err.println("strongroom-loadtest: --embedded needs strongroom-gateway, not built into this jar yet");
    return 69;
  }
}
