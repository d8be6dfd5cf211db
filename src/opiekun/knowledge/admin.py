from django.contrib import admin

from opiekun.core.admin import ReadOnlyAdmin
from opiekun.knowledge.models import Article, ForumPost, ForumThread

# Articles and posts are written in the console and the portal, through the actions
# that keep the search text and the audit trail; the admin only shows them.


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "vendor", "product", "status", "published_at"]
    list_filter = ["status", "vendor"]
    search_fields = ["title", "question", "answer"]
    list_select_related = ["vendor", "product"]


class ForumPostInline(admin.TabularInline):
    model = ForumPost
    extra = 0
    fields = readonly_fields = ("created_at", "author_contact", "author_staff", "body")
    can_delete = False


@admin.register(ForumThread)
class ForumThreadAdmin(ReadOnlyAdmin):
    list_display = ["title", "vendor", "author", "last_post_at", "accepted_post", "ticket"]
    list_filter = ["vendor"]
    search_fields = ["title"]
    inlines = [ForumPostInline]
    list_select_related = ["vendor", "author"]
