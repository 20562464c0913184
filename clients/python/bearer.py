"""Prints an access token of a demo user (CLIENTDESK_EMAIL) signed in with its password and TOTP
code, for tools that take a bearer token (clients/check)."""

from flow import Client, env, sign_in

if __name__ == "__main__":
    print(sign_in(Client(base_url=env("CLIENTDESK_URL"))))
