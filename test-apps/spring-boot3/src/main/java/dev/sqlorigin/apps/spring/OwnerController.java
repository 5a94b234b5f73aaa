package dev.sqlorigin.apps.spring;

import jakarta.persistence.EntityManager;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A class-level mapping plus method mappings, path variables, Hibernate and JdbcTemplate. */
@RestController
@RequestMapping("/owners")
public class OwnerController {

  private final Sent sent;
  private final EntityManager entityManager;
  private final JdbcTemplate jdbc;

  OwnerController(Sent sent, EntityManager entityManager, JdbcTemplate jdbc) {
    this.sent = sent;
    this.entityManager = entityManager;
    this.jdbc = jdbc;
  }

  @GetMapping("/{ownerId}")
  public String owner(@PathVariable long ownerId) {
    return Sent.lines(sent.ownerQuery(ownerId));
  }

  /**
   * Hibernate loads the pet: its generated SELECT on {@code pets} is what a test holds on a lock.
   */
  @GetMapping("/{ownerId}/pets/{petId}/edit")
  @Transactional(readOnly = true)
  public String editPet(@PathVariable long ownerId, @PathVariable long petId) {
    Pet pet = entityManager.find(Pet.class, petId);
    return "pet=" + (pet == null ? "none" : pet.name()) + "\n";
  }

  /** Hibernate inserts {@code count} pets in JDBC batches (hibernate.jdbc.batch_size). */
  @PostMapping("/{ownerId}/pets")
  @Transactional
  public String addPets(
      @PathVariable long ownerId, @RequestParam String name, @RequestParam int count) {
    for (int i = 0; i < count; i++) {
      entityManager.persist(new Pet(ownerId, name + "-" + i));
    }
    entityManager.flush();
    return "added=" + count + "\n";
  }

  /** The same through JdbcTemplate.batchUpdate. */
  @PostMapping("/{ownerId}/pets/jdbc")
  public String addPetsWithJdbc(
      @PathVariable long ownerId, @RequestParam String name, @RequestParam int count) {
    List<Object[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(new Object[] {ownerId, name + "-" + i});
    }
    jdbc.batchUpdate(
        "INSERT INTO pets (id, owner_id, name) VALUES (nextval('pets_seq'), ?, ?)", rows);
    return "added=" + count + "\n";
  }

  /** Fails after a statement; {@link Errors} sends another one while handling the failure. */
  @GetMapping("/{ownerId}/missing")
  public String missing(@PathVariable long ownerId) {
    throw new Errors.NotFound(sent.ownerQuery(ownerId));
  }
}
