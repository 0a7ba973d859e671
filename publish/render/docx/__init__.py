"""publish.render.docx"""
