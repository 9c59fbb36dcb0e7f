import { sql, type Kysely } from 'kysely';

/**
 * Per-plot values kept current as observations are written: one row per plot and variable
 * with the observations combined by the variable's rule, so a report reads one row per plot
 * instead of rescanning raw observations. Statement-level triggers with transition tables
 * refresh exactly the (plot, variable) pairs a statement touched, in the same transaction,
 * whether the rows came from the API, an import or COPY.
 *
 * `num_value`: the combined number; for date variables the combined date as days since
 * 1970-01-01 (a mean may be fractional), so days after planting = num_value − planted day.
 * `text_value`: the chosen category or text. The rules mirror analysis/plot-values.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table plot_values (
      plot_id integer not null references plots(id),
      variable_id integer not null references variables(id),
      n integer not null,
      num_value numeric,
      text_value text,
      primary key (plot_id, variable_id)
    );

    create function effective_aggregation(kind text, aggregation text) returns text
    language sql immutable as $fn$
      select case
        when kind in ('number', 'count') then coalesce(aggregation, 'mean')
        when kind = 'date' then case when aggregation in ('mean', 'last') then aggregation else 'first' end
        else case when aggregation = 'first' then 'first' else 'last' end
      end
    $fn$;

    create function refresh_plot_values(p_plot integer[], p_variable integer[]) returns void
    language plpgsql as $fn$
    begin
      delete from plot_values pv
        using unnest(p_plot, p_variable) as t(plot_id, variable_id)
        where pv.plot_id = t.plot_id and pv.variable_id = t.variable_id;
      insert into plot_values (plot_id, variable_id, n, num_value, text_value)
      select o.plot_id, o.variable_id, count(*),
        case effective_aggregation(v.kind, v.aggregation)
          when 'sum' then sum(coalesce(o.value_number, (o.value_date - date '1970-01-01')::numeric))
          when 'mean' then avg(coalesce(o.value_number, (o.value_date - date '1970-01-01')::numeric))
          when 'first' then (array_agg(coalesce(o.value_number, (o.value_date - date '1970-01-01')::numeric)
                              order by o.observed_on asc nulls last, o.id asc))[1]
          else (array_agg(coalesce(o.value_number, (o.value_date - date '1970-01-01')::numeric)
                              order by o.observed_on desc nulls first, o.id desc))[1]
        end,
        case effective_aggregation(v.kind, v.aggregation)
          when 'first' then (array_agg(o.value_text order by o.observed_on asc nulls last, o.id asc))[1]
          else (array_agg(o.value_text order by o.observed_on desc nulls first, o.id desc))[1]
        end
      from (select distinct * from unnest(p_plot, p_variable) as t(plot_id, variable_id)) t
      join observations o on o.plot_id = t.plot_id and o.variable_id = t.variable_id and o.deleted_at is null
      join variables v on v.id = o.variable_id
      group by o.plot_id, o.variable_id, v.kind, v.aggregation;
    end
    $fn$;

    create function observations_refresh_plot_values() returns trigger
    language plpgsql as $fn$
    declare
      plots integer[];
      vars integer[];
    begin
      if TG_OP = 'INSERT' then
        select array_agg(plot_id), array_agg(variable_id) into plots, vars
          from (select distinct plot_id, variable_id from new_rows) s;
      elsif TG_OP = 'DELETE' then
        select array_agg(plot_id), array_agg(variable_id) into plots, vars
          from (select distinct plot_id, variable_id from old_rows) s;
      else
        select array_agg(plot_id), array_agg(variable_id) into plots, vars
          from (select plot_id, variable_id from old_rows union select plot_id, variable_id from new_rows) s;
      end if;
      if plots is not null then
        perform refresh_plot_values(plots, vars);
      end if;
      return null;
    end
    $fn$;

    create trigger observations_plot_values_insert after insert on observations
      referencing new table as new_rows for each statement execute function observations_refresh_plot_values();
    create trigger observations_plot_values_update after update on observations
      referencing old table as old_rows new table as new_rows for each statement execute function observations_refresh_plot_values();
    create trigger observations_plot_values_delete after delete on observations
      referencing old table as old_rows for each statement execute function observations_refresh_plot_values();

    select refresh_plot_values(array_agg(plot_id), array_agg(variable_id))
      from (select distinct plot_id, variable_id from observations) s;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger observations_plot_values_insert on observations;
    drop trigger observations_plot_values_update on observations;
    drop trigger observations_plot_values_delete on observations;
    drop function observations_refresh_plot_values();
    drop function refresh_plot_values(integer[], integer[]);
    drop function effective_aggregation(text, text);
    drop table plot_values;
  `.execute(db);
}
