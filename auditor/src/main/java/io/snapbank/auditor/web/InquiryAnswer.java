package io.snapbank.auditor.web;

import io.snapbank.auditor.store.ReportJson;

/**
 * The answer to a {@code why} or {@code diff} question of the web API: an HTTP status and its JSON
 * body (the answer, or {@code {"error": message}}).
 */
public record InquiryAnswer(int status, String json) {
  /** 200 with {@code json}. */
  public static InquiryAnswer ok(String json) {
    return new InquiryAnswer(200, json);
  }

  /** 404: no such snapshot. */
  public static InquiryAnswer notFound(String message) {
    return new InquiryAnswer(404, ReportJson.message("error", message));
  }

  /** 400: the question cannot be answered as asked (wrong order, not a consistent cut, ...). */
  public static InquiryAnswer badRequest(String message) {
    return new InquiryAnswer(400, ReportJson.message("error", message));
  }

  /** 503: the bank's topics cannot be read now. */
  public static InquiryAnswer unavailable(String message) {
    return new InquiryAnswer(503, ReportJson.message("error", message));
  }
}
