# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's API, mounted at /api/v1/queue/: take a number and follow it (public, rate-limited), the
board (public), a counter's moves and the day's figures (the commune's officials)."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.places.models import Commune

from . import selectors, services
from .models import Ticket
from .views import KIOSK_RATE

app_name = "queue_api"


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as its holder and the counter see it: no person, no official."""

    label = serializers.CharField()
    area = serializers.CharField(source="area.name")
    counter = serializers.IntegerField(source="counter.number", allow_null=True, default=None)

    class Meta:
        model = Ticket
        fields = ["label", "token", "area", "status", "counter", "call_count", "issued_at", "called_at"]


class PublicTicketSerializer(serializers.Serializer):
    label = serializers.CharField(source="ticket.label")
    area = serializers.CharField(source="ticket.area.name")
    status = serializers.ChoiceField(source="ticket.status", choices=Ticket.Status.choices)
    counter = serializers.SerializerMethodField()
    ahead = serializers.IntegerField(help_text="How many wait before this ticket in its area.")
    now = serializers.CharField(source="successor.label", allow_null=True, default=None,
                                help_text="After a transfer: the ticket that replaced this one.")

    def get_counter(self, data) -> int | None:
        ticket = data["ticket"]
        return ticket.counter.number if ticket.counter_id and ticket.status in ("called", "serving") else None


class IssueSerializer(serializers.Serializer):
    area = serializers.IntegerField(help_text="The service area's id (see the kiosk).")


class CalledSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    counter = serializers.IntegerField()
    calls = serializers.IntegerField()


class WaitingSerializer(serializers.Serializer):
    area = serializers.CharField()
    count = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    called = CalledSerializer(many=True)
    waiting = WaitingSerializer(many=True)


def _commune(commune_code) -> Commune:
    return get_object_or_404(Commune, pk=commune_code)


@method_decorator(ratelimit(key="ip", rate=KIOSK_RATE, method="POST", block=False), name="post")
class Issue(APIView):
    """Take a number in a service area (the kiosk): public, 30 a minute per address."""

    permission_classes = [AllowAny]

    @extend_schema(request=IssueSerializer, responses={201: TicketSerializer})
    def post(self, request, commune_code):
        if getattr(request, "limited", False):
            raise Throttled(detail=_("Too many tickets from this device. Please wait a minute."))
        commune = _commune(commune_code)
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = next((a for a in selectors.areas(commune) if a.pk == data.validated_data["area"]), None)
        if area is None:
            raise serializers.ValidationError({"area": [_("Service area: choose one that takes tickets.")]})
        ticket = services.ticket_issue(commune=commune, area=area)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class PublicTicket(APIView):
    """A ticket by its token (the token is the permission): label, area, place in the line."""

    permission_classes = [AllowAny]

    @extend_schema(responses=PublicTicketSerializer)
    def get(self, request, commune_code, ticket_token):
        return Response(PublicTicketSerializer(selectors.ticket_by_token(_commune(commune_code), ticket_token)).data)


class Board(APIView):
    """What the display board shows: ticket labels, area names and counter numbers only."""

    permission_classes = [AllowAny]

    @extend_schema(responses=BoardSerializer)
    def get(self, request, commune_code):
        return Response(selectors.board(_commune(commune_code), timezone.localdate()))


class MoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["call_next", "recall", "start", "finish", "skip", "transfer"])
    area = serializers.IntegerField(required=False, help_text="For a transfer: the service area to send to.")


class CounterMove(APIView):
    """A counter's move: call the next number, call again, start, finish, skip (no-show), transfer.
    Answers with the counter's ticket after the move (for a transfer: the new ticket in the other area)."""

    @extend_schema(responses=TicketSerializer)
    def get(self, request, commune_code, counter_id):
        counter = selectors.counter_for(user=request.user, commune=_commune(commune_code), counter_id=counter_id)
        current = selectors.ticket_for_counter(user=request.user, counter=counter)
        if current is None:
            raise Http404
        return Response(TicketSerializer(current).data)

    @extend_schema(request=MoveSerializer, responses=TicketSerializer)
    def post(self, request, commune_code, counter_id):
        commune = _commune(commune_code)
        counter = selectors.counter_for(user=request.user, commune=commune, counter_id=counter_id)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        if action == "call_next":
            return Response(TicketSerializer(services.ticket_call_next(actor=request.user, counter=counter)).data)
        current = selectors.ticket_for_counter(user=request.user, counter=counter)
        if current is None:
            raise serializers.ValidationError(_("No ticket is being served at this counter."))
        if action == "transfer":
            area = next((a for a in selectors.areas(commune) if a.pk == data.validated_data.get("area")), None)
            if area is None:
                raise serializers.ValidationError({"area": [_("Transfer to: choose a service area.")]})
            moved = services.ticket_transfer(actor=request.user, ticket=current, area=area)
        else:
            move = {"recall": services.ticket_recall, "start": services.ticket_start,
                    "finish": services.ticket_finish, "skip": services.ticket_skip}[action]
            moved = move(actor=request.user, ticket=current)
        return Response(TicketSerializer(moved).data)


class FigureSerializer(serializers.Serializer):
    group = serializers.CharField()
    issued = serializers.IntegerField(allow_null=True)
    served = serializers.IntegerField()
    no_show = serializers.IntegerField()
    transferred = serializers.IntegerField()
    waiting = serializers.IntegerField()
    wait_average = serializers.FloatField(allow_null=True, help_text="Minutes from the number to the call.")
    wait_median = serializers.FloatField(allow_null=True)
    service_average = serializers.FloatField(allow_null=True, help_text="Minutes from start to end of service.")
    service_median = serializers.FloatField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    day = serializers.DateField()
    total = FigureSerializer()
    counters = FigureSerializer(many=True)
    areas = FigureSerializer(many=True)


class Figures(APIView):
    """The day's figures of the service center, per counter and per service area."""

    @extend_schema(parameters=[OpenApiParameter("day", dt.date, description="YYYY-MM-DD; today if omitted.")],
                   responses=FiguresSerializer)
    def get(self, request, commune_code):
        try:
            day = dt.date.fromisoformat(request.query_params.get("day") or timezone.localdate().isoformat())
        except ValueError:
            raise serializers.ValidationError({"day": [_("Day: write the date as YYYY-MM-DD.")]}) from None
        data = selectors.figures(user=request.user, commune=_commune(commune_code), day=day)
        return Response(FiguresSerializer({"day": day, **data}).data)


urlpatterns = [
    path("communes/<str:commune_code>/tickets/", Issue.as_view(), name="issue"),
    path("communes/<str:commune_code>/tickets/<str:ticket_token>/", PublicTicket.as_view(), name="ticket"),
    path("communes/<str:commune_code>/board/", Board.as_view(), name="board"),
    path("communes/<str:commune_code>/counters/<int:counter_id>/", CounterMove.as_view(), name="counter"),
    path("communes/<str:commune_code>/figures/", Figures.as_view(), name="figures"),
]
