DROP TABLE signin_sessions;
