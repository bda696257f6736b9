def lockout(request, credentials, *args, **kwargs):  # replaced by the accounts implementation
    raise NotImplementedError
