# SPDX-License-Identifier: AGPL-3.0-or-later
"""Roles, and which role may do what: the one table every permission check reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business representative")
    CHAIRPERSON = "chairperson", _("Chairperson")
    VICE_CHAIRPERSON = "vice_chairperson", _("Vice-chairperson")
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    CLERK = "clerk", _("Clerk")
    IT_OFFICER = "it_officer", _("IT officer")
    VILLAGE_HEAD = "village_head", _("Village head")
    DIGITAL_TEAM_MEMBER = "digital_team_member", _("Community digital-technology team member")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


PEOPLE = frozenset({Role.CITIZEN, Role.BUSINESS})
COMMUNE_ROLES = frozenset({
    Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.CLERK,
    Role.IT_OFFICER, Role.VILLAGE_HEAD, Role.DIGITAL_TEAM_MEMBER,
})
ADMINISTRATORS = frozenset({Role.SYSTEM_ADMIN})
OFFICIALS = COMMUNE_ROLES | {Role.PROVINCE_OFFICIAL} | ADMINISTRATORS
COMMUNE_LEADERS = frozenset({Role.CHAIRPERSON, Role.VICE_CHAIRPERSON})

# verb -> roles that may perform it. A commune role acts only in its own commune, a province official
# only in communes of its province (accounts.permissions.can checks the place).
PERMISSIONS: dict[str, frozenset[str]] = {
    "catalogue.adoption.view": OFFICIALS,
    "catalogue.adoption.change": COMMUNE_LEADERS | {Role.IT_OFFICER} | ADMINISTRATORS,
    "catalogue.matrix.view": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "places.village.view": OFFICIALS,
    "places.village.manage": COMMUNE_LEADERS | {Role.CLERK, Role.IT_OFFICER} | ADMINISTRATORS,
    "places.commune.set_area_type": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "places.commune.set_boundary": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "places.commune.list": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "files.download": OFFICIALS,
    # The working-day calendar: the government's yearly swaps and the province's own days off.
    "clock.calendar.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    # The procedure list is kept by the province; each commune chooses what its service center handles.
    "procedures.procedure.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "procedures.enablement.change": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER, Role.IT_OFFICER} | ADMINISTRATORS,
    # The queue at the service center.
    "queue.setup.manage": COMMUNE_LEADERS | {Role.IT_OFFICER} | ADMINISTRATORS,
    "queue.counter.operate": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER} | ADMINISTRATORS,
    "queue.figures.view": OFFICIALS,
    # Dossiers: the one-stop officer receives and returns, the specialist resolves, a leader approves.
    "dossiers.dossier.view": OFFICIALS,
    "dossiers.dossier.receive": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER} | ADMINISTRATORS,
    "dossiers.dossier.assign": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER} | ADMINISTRATORS,
    "dossiers.dossier.process": COMMUNE_LEADERS | {Role.SPECIALIST, Role.ONE_STOP_OFFICER} | ADMINISTRATORS,
    "dossiers.dossier.approve": COMMUNE_LEADERS | ADMINISTRATORS,
    "dossiers.report.view": OFFICIALS,
    # Official documents (Decree 30/2020): the clerk registers, numbers and seals; a specialist drafts; a
    # leader approves (and signs, when named as signer); the clerk or a leader reviews and assigns.
    "documents.document.view": COMMUNE_ROLES - {Role.VILLAGE_HEAD, Role.DIGITAL_TEAM_MEMBER} | ADMINISTRATORS
    | {Role.PROVINCE_OFFICIAL},
    "documents.incoming.register": COMMUNE_LEADERS | {Role.CLERK} | ADMINISTRATORS,
    "documents.incoming.assign": COMMUNE_LEADERS | {Role.CLERK} | ADMINISTRATORS,
    "documents.outgoing.draft": COMMUNE_LEADERS | {Role.SPECIALIST, Role.CLERK, Role.ONE_STOP_OFFICER,
                                                   Role.IT_OFFICER} | ADMINISTRATORS,
    "documents.outgoing.review": COMMUNE_LEADERS | {Role.CLERK} | ADMINISTRATORS,
    "documents.outgoing.approve": COMMUNE_LEADERS | ADMINISTRATORS,
    "documents.outgoing.issue": frozenset({Role.CLERK}) | ADMINISTRATORS,
    "documents.issuer.manage": COMMUNE_LEADERS | {Role.CLERK, Role.IT_OFFICER} | ADMINISTRATORS,
    # Digital signatures: the commune's signing keys are set up by its IT officer or a leader; which
    # certification authorities are trusted is decided for the whole province.
    "signing.key.manage": COMMUNE_LEADERS | {Role.IT_OFFICER} | ADMINISTRATORS,
    "signing.trust.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    # Field reports: every official of the commune sees them and may be given one to fix; leaders, the
    # one-stop officer and the IT officer check and route them; categories are set up by leaders or IT.
    "reports.report.view": OFFICIALS,
    "reports.report.handle": COMMUNE_ROLES | ADMINISTRATORS,
    "reports.report.triage": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER, Role.IT_OFFICER} | ADMINISTRATORS,
    "reports.category.manage": COMMUNE_LEADERS | {Role.IT_OFFICER} | ADMINISTRATORS,
    # Petitions (kiến nghị, phản ánh): every official of the commune sees them and may be given one to answer;
    # leaders, the one-stop officer and the clerk accept, route, forward, return and publish them; the
    # province keeps the dated deadline rules.
    "petitions.petition.view": OFFICIALS,
    "petitions.petition.handle": COMMUNE_ROLES | ADMINISTRATORS,
    "petitions.petition.triage": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER, Role.CLERK} | ADMINISTRATORS,
    "petitions.rule.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    # Commune data (DL6, DL11): the province keeps the dictionary and catalogue, communes fill returns.
    "datasets.definition.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "datasets.return.view": OFFICIALS,
    "datasets.return.enter": COMMUNE_ROLES | ADMINISTRATORS,
    "datasets.return.submit": COMMUNE_LEADERS | {Role.SPECIALIST, Role.CLERK} | ADMINISTRATORS,
    # Who of these approves a given dataset is the dataset's choice (Dataset.approver).
    "datasets.return.approve": COMMUNE_LEADERS | {Role.PROVINCE_OFFICIAL} | ADMINISTRATORS,
    "datasets.province.view": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "datasets.values.import": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "datasets.apikey.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    # Village channels: the commune's officials read and moderate every group of their commune (the
    # village head only their own village's, by membership); leaders, the clerk and IT open groups and
    # name the village heads.
    "community.group.moderate": COMMUNE_ROLES - {Role.VILLAGE_HEAD, Role.DIGITAL_TEAM_MEMBER} | ADMINISTRATORS,
    # Measurement (ĐLHQ2, ĐLHQ8, ĐLHQ9): every official reads the dashboards of their commune or province;
    # leaders and IT enter what xaso cannot count (marked as manual); the province keeps the indicators,
    # the dated 766 rules and the provincial dashboard feed.
    "measurement.dashboard.view": OFFICIALS,
    "measurement.entry.manage": COMMUNE_LEADERS | {Role.IT_OFFICER, Role.PROVINCE_OFFICIAL} | ADMINISTRATORS,
    "measurement.rules.manage": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    "measurement.province.view": frozenset({Role.PROVINCE_OFFICIAL}) | ADMINISTRATORS,
    # Satisfaction surveys: leaders, the one-stop officer and IT define them and hand out their links.
    "surveys.survey.view": OFFICIALS,
    "surveys.survey.manage": COMMUNE_LEADERS | {Role.ONE_STOP_OFFICER, Role.IT_OFFICER} | ADMINISTRATORS,
    "community.group.manage": COMMUNE_LEADERS | {Role.CLERK, Role.IT_OFFICER} | ADMINISTRATORS,
}
