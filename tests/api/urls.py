"""The project's URLs with the API mounted at /api/v1/, whether or not zhijiao.urls mounts it yet."""

from django.urls import URLResolver, path

from zhijiao.api.api import api
from zhijiao.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/", api.urls),
    *(
        p
        for p in project_urlpatterns
        if not (isinstance(p, URLResolver) and p.namespace == api.urls_namespace)
    ),
]
