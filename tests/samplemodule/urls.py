from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("sample module says hello")


urlpatterns = [path("", hello, name="hello")]
