import { sql, type Kysely } from 'kysely';

/**
 * The plot values of each site × arm × variable of a trial gathered into one row, kept
 * current in the writing transaction, so a report reads a few hundred rows (one per site,
 * arm and variable) instead of one per plot and variable, and still has every plot's exact
 * value: the pairs per block, the analysis of variance, dates after planting and the Welch
 * figures are computed from the same values as before, with no moments summed in floating
 * point (which would lose digits to cancellation).
 *
 * Each row holds parallel arrays ordered by plot id: `plot_ids`, `blocks`, `num_values`
 * (numbers as in plot_values; dates as days after the plot's planting date, the same
 * numeric difference the report computed per plot), `text_values` and `missing_planting`
 * (a date value on a plot without a planting date); an array that would hold only nulls
 * (or only false) is null. Deleted plots are left out; `n` is the number of plots in the
 * row. `report_json` is the row as the report reads it, the JSON array
 * [site_id, arm_id, variable_id, plot_ids, blocks, num_values, text_values, missing_planting],
 * made when the row is written so that a report only joins texts together.
 *
 * Statement-level triggers refresh exactly the rows a statement touched: on observations
 * (named to fire after the per-plot values triggers, so they read the refreshed plot
 * values), on plots whose trial, site, arm, block, planting date or deletion changed, and on
 * variables whose kind changed. Imports and COPY go through the same triggers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table site_arm_values (
      trial_id integer not null references trials(id) on delete cascade,
      site_id integer not null references sites(id),
      arm_id integer not null references trial_arms(id),
      variable_id integer not null references variables(id),
      n integer not null,
      plot_ids integer[] not null,
      blocks text[],
      num_values numeric[],
      text_values text[],
      missing_planting boolean[],
      report_json text not null,
      primary key (trial_id, site_id, arm_id, variable_id)
    );
    alter table site_arm_values alter column report_json set storage external;

    -- Rebuilds the rows of the given (trial, site, arm, variable) keys from plots and
    -- plot_values; a null variable stands for every variable of that site and arm (and
    -- then covers any key of the same site and arm that names a variable).
    create function site_arm_value_keys(p_trial integer[], p_site integer[], p_arm integer[], p_variable integer[])
    returns table (trial_id integer, site_id integer, arm_id integer, variable_id integer)
    language sql stable rows 10 as $fn$
      select distinct k.trial_id, k.site_id, k.arm_id, k.variable_id
      from unnest(p_trial, p_site, p_arm, p_variable) as k(trial_id, site_id, arm_id, variable_id)
      where k.trial_id is not null
        and (k.variable_id is null or not exists (
          select 1 from unnest(p_trial, p_site, p_arm, p_variable) as a(trial_id, site_id, arm_id, variable_id)
          where a.variable_id is null and a.trial_id = k.trial_id and a.site_id = k.site_id and a.arm_id = k.arm_id))
    $fn$;

    create function refresh_site_arm_values(p_trial integer[], p_site integer[], p_arm integer[], p_variable integer[]) returns void
    language plpgsql as $fn$
    begin
      delete from site_arm_values c
        using site_arm_value_keys(p_trial, p_site, p_arm, p_variable) t
        where c.trial_id = t.trial_id and c.site_id = t.site_id and c.arm_id = t.arm_id
          and (t.variable_id is null or c.variable_id = t.variable_id);

      insert into site_arm_values (trial_id, site_id, arm_id, variable_id, n, plot_ids, blocks, num_values, text_values, missing_planting, report_json)
      select g.*, json_build_array(g.site_id, g.arm_id, g.variable_id, g.plot_ids, g.blocks, g.num_values, g.text_values, g.missing_planting)::text
      from (
        select pl.trial_id, pl.site_id, pl.arm_id, pv.variable_id, count(*)::integer as n,
          array_agg(pl.id order by pl.id) as plot_ids,
          case when count(pl.block) > 0 then array_agg(pl.block order by pl.id) end as blocks,
          case when count(x.num_value) > 0 then array_agg(x.num_value order by pl.id) end as num_values,
          case when count(pv.text_value) > 0 then array_agg(pv.text_value order by pl.id) end as text_values,
          case when bool_or(x.missing_planting) then array_agg(x.missing_planting order by pl.id) end as missing_planting
        from site_arm_value_keys(p_trial, p_site, p_arm, p_variable) t
        join plots pl on pl.trial_id = t.trial_id and pl.site_id = t.site_id and pl.arm_id = t.arm_id and pl.deleted_at is null
        join plot_values pv on pv.plot_id = pl.id and (t.variable_id is null or pv.variable_id = t.variable_id)
        join variables v on v.id = pv.variable_id
        cross join lateral (select
          case when v.kind = 'date' then pv.num_value - (pl.planted_on - date '1970-01-01') else pv.num_value end as num_value,
          v.kind = 'date' and pl.planted_on is null as missing_planting) x
        group by pl.trial_id, pl.site_id, pl.arm_id, pv.variable_id
      ) g;
    end
    $fn$;

    create function observations_refresh_site_arm_values() returns trigger
    language plpgsql as $fn$
    declare
      k record;
    begin
      if TG_OP = 'INSERT' then
        select array_agg(trial_id) t, array_agg(site_id) s, array_agg(arm_id) a, array_agg(variable_id) v into k
          from (select distinct p.trial_id, p.site_id, p.arm_id, r.variable_id from new_rows r join plots p on p.id = r.plot_id) x;
      elsif TG_OP = 'DELETE' then
        select array_agg(trial_id) t, array_agg(site_id) s, array_agg(arm_id) a, array_agg(variable_id) v into k
          from (select distinct p.trial_id, p.site_id, p.arm_id, r.variable_id from old_rows r join plots p on p.id = r.plot_id) x;
      else
        select array_agg(trial_id) t, array_agg(site_id) s, array_agg(arm_id) a, array_agg(variable_id) v into k
          from (select p.trial_id, p.site_id, p.arm_id, r.variable_id from old_rows r join plots p on p.id = r.plot_id
                union
                select p.trial_id, p.site_id, p.arm_id, r.variable_id from new_rows r join plots p on p.id = r.plot_id) x;
      end if;
      if k.t is not null then
        perform refresh_site_arm_values(k.t, k.s, k.a, k.v);
      end if;
      return null;
    end
    $fn$;

    -- A plot that moved (trial, site, arm), changed block or planting date, or was deleted or
    -- restored: both its old and new site × arm rows, every variable.
    create function plots_refresh_site_arm_values() returns trigger
    language plpgsql as $fn$
    declare
      k record;
    begin
      if TG_OP = 'UPDATE' then
        select array_agg(trial_id) t, array_agg(site_id) s, array_agg(arm_id) a into k
          from (select o.trial_id, o.site_id, o.arm_id from old_rows o join new_rows n on n.id = o.id
                  where (o.trial_id, o.site_id, o.arm_id, o.block, o.planted_on, o.deleted_at is null)
                    is distinct from (n.trial_id, n.site_id, n.arm_id, n.block, n.planted_on, n.deleted_at is null)
                union
                select n.trial_id, n.site_id, n.arm_id from old_rows o join new_rows n on n.id = o.id
                  where (o.trial_id, o.site_id, o.arm_id, o.block, o.planted_on, o.deleted_at is null)
                    is distinct from (n.trial_id, n.site_id, n.arm_id, n.block, n.planted_on, n.deleted_at is null)) x;
      else
        select array_agg(trial_id) t, array_agg(site_id) s, array_agg(arm_id) a into k
          from (select distinct trial_id, site_id, arm_id from old_rows) x;
      end if;
      if k.t is not null then
        perform refresh_site_arm_values(k.t, k.s, k.a, array_fill(null::integer, array[cardinality(k.t)]));
      end if;
      return null;
    end
    $fn$;

    -- A variable whose kind changed: dates are kept as days after planting, other kinds as stored.
    create function variables_refresh_site_arm_values() returns trigger
    language plpgsql as $fn$
    declare
      k record;
    begin
      select array_agg(c.trial_id) t, array_agg(c.site_id) s, array_agg(c.arm_id) a, array_agg(c.variable_id) v into k
        from site_arm_values c
        where c.variable_id in (select n.id from new_rows n join old_rows o on o.id = n.id where n.kind is distinct from o.kind);
      if k.t is not null then
        perform refresh_site_arm_values(k.t, k.s, k.a, k.v);
      end if;
      return null;
    end
    $fn$;

    create trigger observations_site_arm_values_insert after insert on observations
      referencing new table as new_rows for each statement execute function observations_refresh_site_arm_values();
    create trigger observations_site_arm_values_update after update on observations
      referencing old table as old_rows new table as new_rows for each statement execute function observations_refresh_site_arm_values();
    create trigger observations_site_arm_values_delete after delete on observations
      referencing old table as old_rows for each statement execute function observations_refresh_site_arm_values();
    create trigger plots_site_arm_values_update after update on plots
      referencing old table as old_rows new table as new_rows for each statement execute function plots_refresh_site_arm_values();
    create trigger plots_site_arm_values_delete after delete on plots
      referencing old table as old_rows for each statement execute function plots_refresh_site_arm_values();
    create trigger variables_site_arm_values_update after update on variables
      referencing old table as old_rows new table as new_rows for each statement execute function variables_refresh_site_arm_values();

    select refresh_site_arm_values(array_agg(trial_id), array_agg(site_id), array_agg(arm_id), array_agg(null::integer))
      from (select distinct trial_id, site_id, arm_id from plots where deleted_at is null) s;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger observations_site_arm_values_insert on observations;
    drop trigger observations_site_arm_values_update on observations;
    drop trigger observations_site_arm_values_delete on observations;
    drop trigger plots_site_arm_values_update on plots;
    drop trigger plots_site_arm_values_delete on plots;
    drop trigger variables_site_arm_values_update on variables;
    drop function observations_refresh_site_arm_values();
    drop function plots_refresh_site_arm_values();
    drop function variables_refresh_site_arm_values();
    drop function refresh_site_arm_values(integer[], integer[], integer[], integer[]);
    drop function site_arm_value_keys(integer[], integer[], integer[], integer[]);
    drop table site_arm_values;
  `.execute(db);
}
