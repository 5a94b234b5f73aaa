package dev.sqlorigin.apps.spring;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** An error path that still talks to the database, as an audit of failures would. */
@RestControllerAdvice
public class Errors {

  private final Sent sent;

  Errors(Sent sent) {
    this.sent = sent;
  }

  @ExceptionHandler(NotFound.class)
  public ResponseEntity<String> notFound(NotFound failure) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(Sent.lines(failure.getMessage(), sent.query()));
  }

  static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String sentBeforeFailing) {
      super(sentBeforeFailing);
    }
  }
}
