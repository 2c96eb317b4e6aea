package io.snapbank.cli;

import io.snapbank.auditor.config.ApiToken;

/** How the auditor's web page and API are announced on the console. */
final class WebAccess {
  private WebAccess() {}

  /** The page's URL for a server listening on {@code bind}. */
  static String url(String bind, int port) {
    boolean any = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("127.0.0.1");
    String host = any ? "localhost" : bind.contains(":") ? "[" + bind + "]" : bind;
    return "http://" + host + ":" + port + "/";
  }

  /**
   * The one line showing a generated API token to the operator who started the auditor: it is
   * printed once, on the console only, never logged.
   */
  static String tokenLine(ApiToken token) {
    return "web API token (shown once; POST requests send 'Authorization: Bearer TOKEN'): "
        + token.value();
  }
}
