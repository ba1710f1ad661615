from app.errors import DomainError


class SignInFailed(DomainError):
    status_code = 401
    title = "Sign-in failed"


#: One message for an unknown user, a wrong password, a locked or a deactivated account,
#: so the form never tells an attacker which usernames exist.
SIGN_IN_FAILED = "That username and password do not match an active account."
PIN_FAILED = "That sign-in and PIN do not match an active counter account."
