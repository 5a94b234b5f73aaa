package dev.sqlorigin.apps.spring;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A mapping on the method only, and a POST. */
@RestController
public class VisitController {

  private final Sent sent;

  VisitController(Sent sent) {
    this.sent = sent;
  }

  @PostMapping("/visits/{visitId}/cancel")
  public String cancel(@PathVariable String visitId) {
    return Sent.lines(sent.ownerQuery(1));
  }
}
