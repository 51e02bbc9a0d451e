"""Two-step verification (TOTP): enrol a device, or give the code of an enrolled one."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.widgets import UnfoldAdminTextInputWidget

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.core.pages import AuthedRequest, render_page


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("6 位验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": gettext_lazy("请输入验证器上显示的 6 位数字"),
            "required": gettext_lazy("请输入验证码"),
        },
    )


def two_factor(request: AuthedRequest) -> HttpResponse:
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(user=user, name="验证器", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(AuditAction.UPDATE, obj=user, message="启用两步验证（TOTP）")
            otp_login(request, device)
            audit.record(AuditAction.LOGIN_SUCCESS, obj=user, message="两步验证通过")
            messages.success(request, _("两步验证已通过"))
            return redirect(next_url)
        audit.record(AuditAction.LOGIN_FAILURE, obj=user, succeeded=False, message="两步验证码错误")
        form.add_error("code", _("验证码不正确或已过期，请重新输入；多次输错后需稍等片刻再试"))
    context = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render_page(request, "orgs/two_factor.html", _("两步验证"), **context)
