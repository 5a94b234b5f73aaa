package dev.sqlorigin.apps.spring;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A JPA entity with sequence IDs, so that Hibernate batches its inserts (IDENTITY would not). */
@Entity
@Table(name = "pets")
public class Pet {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "pets")
  @SequenceGenerator(name = "pets", sequenceName = "pets_seq", allocationSize = 50)
  private Long id;

  @Column(name = "owner_id", nullable = false)
  private long ownerId;

  @Column(nullable = false)
  private String name;

  protected Pet() {}

  Pet(long ownerId, String name) {
    this.ownerId = ownerId;
    this.name = name;
  }

  String name() {
    return name;
  }
}
