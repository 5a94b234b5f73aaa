package dev.sqlorigin.apps.spring;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Creates the tables, idempotently: several applications share the test database. A trigger records
 * the text of every statement that inserts a pet, as PostgreSQL received it, so that the tests can
 * count what an ORM's batch really sent.
 */
@Component
class Schema implements ApplicationRunner {

  private final JdbcTemplate jdbc;

  Schema(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void run(ApplicationArguments args) {
    jdbc.execute("CREATE TABLE IF NOT EXISTS owners (id bigint PRIMARY KEY, name text NOT NULL)");
    jdbc.execute("INSERT INTO owners VALUES (1, 'George'), (42, 'Betty') ON CONFLICT DO NOTHING");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS pets (id bigint PRIMARY KEY, owner_id bigint NOT NULL, name text NOT NULL)");
    jdbc.execute("CREATE SEQUENCE IF NOT EXISTS pets_seq INCREMENT BY 50");
    jdbc.execute("CREATE TABLE IF NOT EXISTS pet_inserts (name text, q text)");
    jdbc.execute(
        "CREATE OR REPLACE FUNCTION record_pet_insert() RETURNS trigger LANGUAGE plpgsql AS "
            + "$$ BEGIN INSERT INTO pet_inserts VALUES (NEW.name, current_query()); RETURN NEW; END $$");
    jdbc.execute(
        "CREATE OR REPLACE TRIGGER pets_recorded BEFORE INSERT ON pets FOR EACH ROW "
            + "EXECUTE FUNCTION record_pet_insert()");
  }
}
