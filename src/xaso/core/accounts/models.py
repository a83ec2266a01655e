# SPDX-License-Identifier: AGPL-3.0-or-later
"""The user of xaso: one model for citizens, businesses and officials, distinguished by role."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import Scope

from .roles import ADMINISTRATORS, COMMUNE_ROLES, OFFICIALS, PEOPLE, Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    commune = models.ForeignKey("places.Commune", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="officials", verbose_name=_("commune"))
    province = models.ForeignKey("places.Province", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="officials", verbose_name=_("province"))
    # The OpenID Connect subject of a citizen or business (VNeID in production); never a password.
    oidc_subject = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # When an administrator last enabled the account again: the dormancy clock restarts there.
    reactivated_at = models.DateTimeField(_("enabled again at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.role in COMMUNE_ROLES and not self.commune_id:
            raise ValidationError({"commune": _("A commune official must belong to a commune.")})
        if self.role == Role.PROVINCE_OFFICIAL and not self.province_id:
            raise ValidationError({"province": _("A province official must belong to a province.")})

    def save(self, *args, **kwargs):
        # An official belongs to one commune, and through it to one province.
        if self.commune_id and not self.province_id:
            self.province_id = self.commune.province_id
        super().save(*args, **kwargs)

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIALS

    @property
    def is_administrator(self) -> bool:
        return self.role in ADMINISTRATORS or self.is_superuser

    @property
    def needs_second_factor(self) -> bool:
        """Officials and administrators sign in with a password plus TOTP (level 3: MFA for staff)."""
        return self.is_official or self.is_superuser

    def scope(self) -> Scope:
        if self.is_administrator:
            return Scope("system", user_id=self.pk)
        if self.role == Role.PROVINCE_OFFICIAL:
            return Scope("province", province_id=self.province_id, user_id=self.pk)
        if self.role in COMMUNE_ROLES:
            return Scope("commune", province_id=self.province_id, commune_id=self.commune_id, user_id=self.pk)
        if self.role in PEOPLE:
            return Scope("person", user_id=self.pk)
        return Scope("anonymous")
