"""Domain operations on programmes (the one way in, ARCHITECTURE.md rule 1), one module
per area: ``plan`` (programme, funders, rates, activity types, plan lines), ``plan_io``
(the plan as a YAML/XLSX document: import and export), ``trajectories`` (schemes,
trajectories, vouchers) and ``hours`` (hour registration and the cap per company)."""
