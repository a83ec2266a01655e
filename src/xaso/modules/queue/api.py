# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's API, mounted at /api/v1/queue/: a ticket (public, rate-limited), the board, counter moves."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.places.models import Commune

from . import selectors, services
from .models import ServiceArea, Ticket

app_name = "queue_api"


class TicketSerializer(serializers.ModelSerializer):
    label = serializers.CharField()
    area = serializers.CharField(source="area.name")

    class Meta:
        model = Ticket
        fields = ["label", "token", "area", "status", "issued_at"]


class IssueSerializer(serializers.Serializer):
    area = serializers.IntegerField()


@method_decorator(ratelimit(key="ip", rate="30/m", method="POST", block=False), name="post")
class Issue(APIView):
    """Take a number in a service area (the kiosk)."""

    permission_classes = [AllowAny]

    @extend_schema(request=IssueSerializer, responses={201: TicketSerializer})
    def post(self, request, commune_code):
        if getattr(request, "limited", False):
            raise Throttled(detail=_("Too many tickets from this device. Please wait a minute."))
        commune = get_object_or_404(Commune, pk=commune_code)
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = next((a for a in selectors.areas(commune) if a.pk == data.validated_data["area"]), None)
        if area is None:
            raise Http404
        ticket = services.ticket_issue(commune=commune, area=area)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class Board(APIView):
    """What the display board shows: ticket labels and counters only."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request, commune_code):
        return Response(selectors.board(get_object_or_404(Commune, pk=commune_code), timezone.localdate()))


class MoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["call_next", "recall", "start", "finish", "skip", "transfer"])
    area = serializers.IntegerField(required=False, help_text="For a transfer: the service area to send to.")


class CounterMove(APIView):
    """A counter's move: call the next number, call again, start, finish, skip, transfer."""

    @extend_schema(request=MoveSerializer, responses=TicketSerializer)
    def post(self, request, commune_code, counter_id):
        commune = get_object_or_404(Commune, pk=commune_code)
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
            area = get_object_or_404(ServiceArea, commune=commune, pk=data.validated_data.get("area") or 0)
            moved = services.ticket_transfer(actor=request.user, ticket=current, area=area)
        else:
            moved = {"recall": services.ticket_recall, "start": services.ticket_start,
                     "finish": services.ticket_finish, "skip": services.ticket_skip}[action](
                actor=request.user, ticket=current)
        return Response(TicketSerializer(moved).data)


urlpatterns = [
    path("communes/<str:commune_code>/tickets/", Issue.as_view(), name="issue"),
    path("communes/<str:commune_code>/board/", Board.as_view(), name="board"),
    path("communes/<str:commune_code>/counters/<int:counter_id>/", CounterMove.as_view(), name="counter"),
]
