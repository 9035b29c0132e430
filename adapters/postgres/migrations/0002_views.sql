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
-- start without one), the first in the project on a tie. Each part is
-- worked out for all projects at once and joined, so that the plan stays
-- linear in the tasks.
CREATE MATERIALIZED VIEW project_dashboard AS
WITH counts AS (
    SELECT t.project,
           count(*)                                        AS tasks,
           count(*) FILTER (WHERE t.state = 'not_started') AS not_started,
           count(*) FILTER (WHERE t.state = 'in_progress') AS in_progress,
           count(*) FILTER (WHERE t.state = 'done')        AS done,
           count(*) FILTER (WHERE t.state <> 'done'
               AND (t.finish > t.baseline_finish OR t.finish <= p.status_date)) AS late,
           count(*) FILTER (WHERE t.critical)              AS critical,
           count(*) FILTER (WHERE t.total_float < 0)       AS negative_float
    FROM projection_tasks t
    JOIN projection_projects p ON p.project = t.project
    WHERE NOT t.summary
    GROUP BY t.project
), next AS (
    SELECT DISTINCT ON (x.project) x.project, x.task, x.name, x.finish
    FROM projection_tasks x
    JOIN projection_projects p ON p.project = x.project
    WHERE x.milestone AND NOT x.summary AND x.state <> 'done'
      AND x.finish > coalesce(p.status_date, p.start)
    ORDER BY x.project, x.finish, x.position
)
SELECT p.project,
       p.revision,
       p.name,
       p.status_date,
       coalesce(c.tasks, 0)          AS tasks,
       coalesce(c.not_started, 0)    AS not_started,
       coalesce(c.in_progress, 0)    AS in_progress,
       coalesce(c.done, 0)           AS done,
       coalesce(c.late, 0)           AS late,
       p.percent_work,
       p.planned_finish,
       p.baseline_finish,
       coalesce(c.critical, 0)       AS critical,
       coalesce(c.negative_float, 0) AS negative_float,
       m.task                        AS next_milestone,
       m.name                        AS next_milestone_name,
       m.finish                      AS next_milestone_date,
       p.spi,
       p.cpi
FROM projection_projects p
LEFT JOIN counts c ON c.project = p.project
LEFT JOIN next m ON m.project = p.project;

CREATE UNIQUE INDEX project_dashboard_project ON project_dashboard (project);

-- resource_utilization: a row per work resource per ISO week (week: its
-- Monday; 1970-01-05 was one) in which it works or is assigned.
-- utilization: assigned ÷ available × 100, NULL when nothing is
-- available. over_allocated: on some day of the week it is assigned more
-- hours than it has (by more than a millionth of an hour).
CREATE MATERIALIZED VIEW resource_utilization AS
WITH weeks AS (
    SELECT d.project,
           d.resource,
           d.day - ((d.day - date '1970-01-05') % 7 + 7) % 7      AS week,
           sum(d.assigned_hours)                                  AS assigned_hours,
           sum(d.available_hours)                                 AS available_hours,
           bool_or(d.assigned_hours > d.available_hours + 1e-6)   AS over_allocated
    FROM projection_resource_days d
    GROUP BY 1, 2, 3
)
SELECT w.project,
       w.resource,
       r.name,
       w.week,
       extract(isoyear FROM w.week)::integer AS iso_year,
       extract(week FROM w.week)::integer    AS iso_week,
       w.assigned_hours,
       w.available_hours,
       CASE WHEN w.available_hours > 0 THEN 100 * w.assigned_hours / w.available_hours END AS utilization,
       w.over_allocated
FROM weeks w
JOIN projection_resources r ON r.project = w.project AND r.resource = w.resource;

CREATE UNIQUE INDEX resource_utilization_week ON resource_utilization (project, resource, week);
