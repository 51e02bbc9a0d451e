from django.contrib import admin
from django.urls import path

# Pages of the application shell, mounted inside the admin site (they share its login and layout).
shell_urlpatterns: list = []

urlpatterns = [
    path("", admin.site.urls),
]
