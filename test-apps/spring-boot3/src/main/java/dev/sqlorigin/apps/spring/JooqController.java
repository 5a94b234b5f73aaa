package dev.sqlorigin.apps.spring;

import javax.sql.DataSource;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * jOOQ over the application's pool: a batch insert with bind values. Its own DSLContext, as Spring
 * Boot 4 no longer configures one without its jOOQ module.
 */
@RestController
public class JooqController {

  private static final Table<?> PETS = DSL.table(DSL.name("pets"));
  private static final Field<Long> ID = DSL.field(DSL.name("id"), Long.class);
  private static final Field<Long> OWNER_ID = DSL.field(DSL.name("owner_id"), Long.class);
  private static final Field<String> NAME = DSL.field(DSL.name("name"), String.class);

  private final DSLContext jooq;

  JooqController(DataSource dataSource) {
    this.jooq = DSL.using(dataSource, SQLDialect.POSTGRES);
  }

  @PostMapping("/owners/{ownerId}/pets/jooq")
  public String addPets(
      @PathVariable long ownerId, @RequestParam String name, @RequestParam int count) {
    BatchBindStep batch =
        jooq.batch(
            jooq.insertInto(PETS, ID, OWNER_ID, NAME)
                .values(
                    DSL.field("nextval('pets_seq')", Long.class),
                    DSL.val(null, Long.class),
                    DSL.val(null, String.class)));
    for (int i = 0; i < count; i++) {
      batch = batch.bind(ownerId, name + "-" + i);
    }
    return "added=" + batch.execute().length + "\n";
  }
}
