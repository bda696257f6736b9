from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny


@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def obtain_token(request):  # replaced by the accounts implementation
    raise NotImplementedError
