-- The projection of each project's schedule (written by the Projector,
-- replaced whole at each projection) and the two materialized views made
-- from it. Each view has a unique index, so that it can be refreshed
-- CONCURRENTLY, readers never blocked.

-- One row per projected project: what needs the engine (progress by work,
-- earned value) is worked out in Go.
CREATE TABLE projection_projects (
    project         text PRIMARY KEY,
    revision        bigint NOT NULL,
    name            text NOT NULL,
    start           timestamptz NOT NULL,
    status_date     timestamptz,          -- NULL: none
    planned_finish  timestamptz NOT NULL,
    baseline_finish timestamptz,          -- NULL: no baseline
    percent_work    double precision NOT NULL,
    spi             double precision,     -- NULL: no baseline or no status date
    cpi             double precision
);

-- One row per task, summaries included (summary marks them).
CREATE TABLE projection_tasks (
    project         text NOT NULL,
    task            text NOT NULL,
    position        integer NOT NULL,     -- the task's place in the project
    name            text NOT NULL,
    summary         boolean NOT NULL,
    milestone       boolean NOT NULL,
    state           text NOT NULL CHECK (state IN ('not_started', 'in_progress', 'done')),
    start           timestamptz NOT NULL,
    finish          timestamptz NOT NULL,
    baseline_finish timestamptz,          -- NULL: not in the baseline
    total_float     bigint NOT NULL,      -- working minutes
    critical        boolean NOT NULL,
    percent         double precision NOT NULL,
    work_minutes    bigint NOT NULL,
    PRIMARY KEY (project, task)
);

-- One row per work resource.
CREATE TABLE projection_resources (
    project   text NOT NULL,
    resource  text NOT NULL,
    name      text NOT NULL,
    max_units double precision NOT NULL,
    PRIMARY KEY (project, resource)
);

-- One row per work resource per day (in the project's time zone) on which
-- it works or is assigned: hours assigned (units × working hours of its
-- tasks that day) and available (its calendar's working hours × max units).
CREATE TABLE projection_resource_days (
    project         text NOT NULL,
    resource        text NOT NULL,
    day             date NOT NULL,
    assigned_hours  double precision NOT NULL,
    available_hours double precision NOT NULL,
    PRIMARY KEY (project, resource, day)
);

-- project_dashboard: a row per project. Counts are of tasks that are not
-- summaries. late: not done, and scheduled to finish after its baseline
-- finish, or at or before the status date. next milestone: the milestone
-- not done with the earliest finish after the status date (the project
-- start without one), the first in the project on a tie.
CREATE MATERIALIZED VIEW project_dashboard AS
SELECT p.project,
       p.revision,
       p.name,
       p.status_date,
       count(t.task)                                          AS tasks,
       count(t.task) FILTER (WHERE t.state = 'not_started')   AS not_started,
       count(t.task) FILTER (WHERE t.state = 'in_progress')   AS in_progress,
       count(t.task) FILTER (WHERE t.state = 'done')          AS done,
       count(t.task) FILTER (WHERE t.state <> 'done'
           AND (t.finish > t.baseline_finish OR t.finish <= p.status_date)) AS late,
       p.percent_work,
       p.planned_finish,
       p.baseline_finish,
       count(t.task) FILTER (WHERE t.critical)                AS critical,
       count(t.task) FILTER (WHERE t.total_float < 0)         AS negative_float,
       m.task                                                 AS next_milestone,
       m.name                                                 AS next_milestone_name,
       m.finish                                               AS next_milestone_date,
       p.spi,
       p.cpi
FROM projection_projects p
LEFT JOIN projection_tasks t ON t.project = p.project AND NOT t.summary
LEFT JOIN LATERAL (
    SELECT x.task, x.name, x.finish
    FROM projection_tasks x
    WHERE x.project = p.project AND x.milestone AND NOT x.summary AND x.state <> 'done'
      AND x.finish > coalesce(p.status_date, p.start)
    ORDER BY x.finish, x.position
    LIMIT 1
) m ON true
GROUP BY p.project, m.task, m.name, m.finish;

CREATE UNIQUE INDEX project_dashboard_project ON project_dashboard (project);

-- resource_utilization: a row per work resource per ISO week (week: its
-- Monday) in which it works or is assigned. utilization: assigned ÷
-- available × 100, NULL when nothing is available. over_allocated: on
-- some day of the week it is assigned more hours than it has (by more
-- than a millionth of an hour).
CREATE MATERIALIZED VIEW resource_utilization AS
SELECT d.project,
       d.resource,
       r.name,
       d.day - (extract(isodow FROM d.day)::integer - 1)  AS week,
       extract(isoyear FROM d.day)::integer                AS iso_year,
       extract(week FROM d.day)::integer                   AS iso_week,
       sum(d.assigned_hours)                               AS assigned_hours,
       sum(d.available_hours)                              AS available_hours,
       CASE WHEN sum(d.available_hours) > 0
            THEN 100 * sum(d.assigned_hours) / sum(d.available_hours) END AS utilization,
       bool_or(d.assigned_hours > d.available_hours + 1e-6) AS over_allocated
FROM projection_resource_days d
JOIN projection_resources r ON r.project = d.project AND r.resource = d.resource
GROUP BY d.project, d.resource, r.name, 4, 5, 6;

CREATE UNIQUE INDEX resource_utilization_week ON resource_utilization (project, resource, week);
