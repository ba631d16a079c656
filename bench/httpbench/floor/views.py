from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# About the size of a small API answer: a handful of fields.
DOCUMENT = {"status": "ok", "items": [{"id": n, "name": f"item {n}"} for n in range(5)]}


def bare(request: HttpRequest) -> HttpResponse:
    return JsonResponse(DOCUMENT)


@login_required
def logged_in_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse({**DOCUMENT, "user": request.user.get_username()})


class LoggedInAPIView(APIView):
    def get(self, request: Request) -> Response:
        return Response({**DOCUMENT, "user": request.user.get_username()})


@login_required
def logged_in_page(request: HttpRequest) -> HttpResponse:
    return render(request, "floor/page.html", {"items": DOCUMENT["items"]})
