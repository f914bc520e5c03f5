from modules.registry import ModuleSpec, ScheduledTask, register

SPEC = register(
    ModuleSpec(
        key="sample",
        label="Sample module",
        description="Used by the test suite only.",
        page_types=("samplemodule.SamplePage",),
        urls="tests.samplemodule.urls",
        url_prefix="sample",
        api_routes=(("sample-notes", "tests.samplemodule.api.NoteViewSet", "sample-note"),),
        search_models=("samplemodule.SamplePage",),
        admin_menu_items=("sample-notes",),
        permissions=("samplemodule.change_note",),
        scheduled_tasks=(ScheduledTask("samplemodule.tasks.tick", 3600),),
    )
)
