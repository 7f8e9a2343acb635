package io.strongroom.loadtest;

import io.strongroom.loadtest.cli.CommandLine;

/** --vault-storm: concurrent cold-start unwraps against a key vault. */
final class VaultStormMode {

  private VaultStormMode() {
  }

  static int run(CommandLine.Command command) {
    System.err.println("strongroom-loadtest: --vault-storm needs strongroom-vault-client, not built into this jar yet");
    return 69;
  }
}
