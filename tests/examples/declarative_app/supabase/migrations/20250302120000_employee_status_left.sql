-- A new enum value must be committed before anything uses it: its own migration.
alter type public.employee_status add value 'left';
