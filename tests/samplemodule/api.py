from rest_framework import permissions, serializers

from api.viewsets import ModuleViewSet
from tests.samplemodule.models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "text"]


class NoteViewSet(ModuleViewSet):
    module_key = "sample"
    queryset = Note.objects.order_by("id")
    serializer_class = NoteSerializer
    permission_classes = [permissions.AllowAny]
