-- A sign-in attempt belongs to the browser that started it: the hash of a random value kept in a
-- short-lived HttpOnly SameSite cookie. A callback without that cookie (a link started by someone
-- else, the login-CSRF attack) cannot consume the attempt.
alter table signin_attempts add column browser_binding_hash bytea;
