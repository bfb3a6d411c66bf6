"""The admin site: Django's, building its list of apps only for a page that shows it.

Every admin page's context carries that list (for the navigation sidebar): a permission check
per model, about a twentieth of the review list's time. The review and film pages switch the
sidebar off, so the list is now built when a template first reads it, not before.
Imports nothing of the apps.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject


class MagazineAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))


class MagazineAdminConfig(AdminConfig):
    default_site = "magazine.admin_site.MagazineAdminSite"
